using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Docker;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Hostile;

/// <summary>
/// The real graph with short default limits, so each hostile program meets its limit in seconds,
/// and host-side checks that every case must leave the machine as it found it.
/// </summary>
public class HostileGraphFixture : GoxecGraphFixture
{
    public const int CpuMs = 2000;
    public const int WallMs = 4000;

    public DockerClient Docker { get; } = new();

    /// <summary>The OCI runtime jobs run under: null for the engine's default (runc), "runsc" for gVisor.</summary>
    public virtual string? Runtime => null;

    /// <summary>
    /// How far a memory bomb's measured peak may read over its limit: none under runc (the kernel refuses the
    /// charge); under gVisor the cgroup also holds the Sentry, and its peak was seen one page over (65,540 KB at 64 MB).
    /// </summary>
    public virtual long PeakOverLimitKb => 0;

    protected override Dictionary<string, string> Environment() => new()
    {
        ["Sandbox__Runtime"] = Runtime ?? "",
        ["Worker__Concurrency"] = "2",
        ["Submission__RunDefaults__CpuTimeMs"] = CpuMs.ToString(),
        ["Submission__RunDefaults__WallTimeMs"] = WallMs.ToString(),
        ["Submission__CompileDefaults__CpuTimeMs"] = "8000",
        ["Submission__CompileDefaults__WallTimeMs"] = "15000",
        // Every hostile program runs in a warm pool container when one is idle (GOXEC_HOSTILE_POOL=off runs them all fresh).
        ["Sandbox__Pool__Enabled"] = (System.Environment.GetEnvironmentVariable("GOXEC_HOSTILE_POOL") != "off").ToString(),
        ["Sandbox__Pool__Prewarm"] = "python,c,cpp",
        ["Sandbox__Pool__PrewarmSize"] = "2",
    };

    public override async ValueTask DisposeAsync()
    {
        Docker.Dispose();
        await base.DisposeAsync();
    }

    public int RedisPort => new Uri("redis://" + App.ConnectionString("redis").Split(',')[0]).Port;

    /// <summary>Runs the job and checks the host afterwards: container gone, no stray processes, API healthy.</summary>
    public async Task<JsonElement> RunCheckedAsync(object job)
    {
        var result = await RunAsync(job);
        await AssertCleanAsync(result.GetProperty("id").GetString()!);
        return result;
    }

    public async Task AssertCleanAsync(params string[] jobIds)
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var id in jobIds)
        {
            // The worker removes the container just after it stores the result (off the critical path); allow it a moment.
            IReadOnlyList<ContainerSummary> left = [];
            for (var i = 0; i < 20 && (left = await Infrastructure.JobContainers.ListAsync(Docker, id, ct).WaitAsync(Timeout, ct)).Count > 0; i++)
                await Task.Delay(250, ct);
            Assert.True(left.Count == 0, $"Container of job {id} is still there: {string.Join(", ", left.Select(c => $"{c.Names[0]} {c.State}"))}");
            // The namespace driver removes a job's cgroups and files before it stores the result.
            var sandboxes = Infrastructure.NamespaceLeftovers.Of(id);
            Assert.True(sandboxes.Count == 0, $"Namespace sandbox of job {id} is still there: {string.Join(", ", sandboxes)}");
        }
        // Other suites may be starting and removing containers right now: only what stays orphaned counts.
        var orphans = await OrphansAsync(ct);
        if (orphans.Count > 0)
        {
            await Task.Delay(2000, ct);
            orphans.IntersectWith(await OrphansAsync(ct));
        }
        Assert.True(orphans.Count == 0, $"Left behind: {string.Join(", ", orphans)}");
        using var health = await Http.GetAsync("/health", ct).WaitAsync(Timeout, ct);
        Assert.True(health.IsSuccessStatusCode, $"/health answered {(int)health.StatusCode}");
    }

    /// <summary>Host processes in a docker cgroup, and container state directories, whose container no longer exists.</summary>
    private async Task<HashSet<string>> OrphansAsync(CancellationToken ct)
    {
        var inCgroups = new HashSet<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            string text;
            try { text = File.ReadAllText(Path.Combine(proc, "cgroup")); } catch (IOException) { continue; }
            foreach (var line in text.Split('\n'))
                if (line.Contains(":pids:/docker/", StringComparison.Ordinal)) inCgroups.Add($"process {Path.GetFileName(proc)} in {line[(line.LastIndexOf('/') + 1)..]}");
        }
        var stateDirs = Directory.Exists("/var/lib/docker/containers")
            ? Directory.EnumerateDirectories("/var/lib/docker/containers").Select(d => $"state dir {Path.GetFileName(d)}").ToList()
            : [];
        var live = (await ContainerIdsAsync(ct)).ToHashSet();
        return [.. inCgroups.Concat(stateDirs).Where(o => !live.Contains(o[(o.LastIndexOf(' ') + 1)..]))];
    }

    private static async Task<string[]> ContainerIdsAsync(CancellationToken ct)
    {
        using var ps = Process.Start(new ProcessStartInfo("docker", "ps -a -q --no-trunc") { RedirectStandardOutput = true })!;
        var output = await ps.StandardOutput.ReadToEndAsync(ct);
        await ps.WaitForExitAsync(ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static JsonElement Run(JsonElement job) => job.GetProperty("run");

    public static string Stdout(JsonElement job) => Run(job).GetProperty("stdout").GetString()!;

    /// <summary>Measurements must be there for every stage that ran, and plausible.</summary>
    public static void AssertMeasured(JsonElement stage)
    {
        Assert.True(stage.GetProperty("wallTimeMs").GetInt64() >= 0, stage.ToString());
        Assert.True(stage.GetProperty("memoryKb").GetInt64() > 0, $"memoryKb missing: {stage}");
        Assert.True(stage.GetProperty("cpuTimeMs").GetInt64() >= 0, stage.ToString());
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
}

[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileGraphFixture>
{
    public const string Name = "hostile";
}
