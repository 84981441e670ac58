using System.Diagnostics;
using System.Text.RegularExpressions;
using Goxec.Docker;
using StackExchange.Redis;
using Goxec.Tests.Observability;
using Goxec.Tests.Pipeline;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Pool;

/// <summary>
/// The real graph with the warm pool on for python and a language of its own (a tag of the python
/// image this fixture owns, so a test may make its image stale without touching anyone else's),
/// and bash left cold.
/// </summary>
public sealed partial class PoolGraphFixture : GoxecGraphFixture
{
    private readonly string _languages = Directory.CreateTempSubdirectory("goxec-pool-languages-").FullName;

    /// <summary>"pooltest" and eight random letters: ids and image names are lower case.</summary>
    public string Own { get; } = "pooltest" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    public string OwnImage => $"goxec/runtime-{Own}:latest";
    public DockerClient Docker { get; } = new();
    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public string Cluster { get; private set; } = null!;

    protected override Dictionary<string, string> Environment() => new(base.Environment())
    {
        ["Languages__Path"] = _languages,
        ["Sandbox__Pool__Enabled"] = "true",
        ["Sandbox__Pool__Prewarm"] = $"python,{Own}",
        ["Sandbox__Pool__PrewarmSize"] = "1",
        ["Sandbox__Pool__MaxPerLanguage"] = "2",
        ["Sandbox__Pool__CheckInterval"] = "00:00:00.250",
        ["Sandbox__Pool__FailureBackoff"] = "00:00:01",
    };

    public override async ValueTask InitializeAsync()
    {
        var runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
        foreach (var id in new[] { "python", "bash" })
        {
            Directory.CreateDirectory(Path.Combine(_languages, id));
            File.Copy(Path.Combine(runtimes, id, "runtime.yaml"), Path.Combine(_languages, id, "runtime.yaml"));
        }
        var python = await File.ReadAllTextAsync(Path.Combine(runtimes, "python", "runtime.yaml"));
        Directory.CreateDirectory(Path.Combine(_languages, Own));
        await File.WriteAllTextAsync(Path.Combine(_languages, Own, "runtime.yaml"),
            Judge0Line().Replace(AliasesLine().Replace(IdLine().Replace(python, $"id: {Own}"), "aliases: []"), "judge0: []"));
        Infrastructure.Prerequisite.RequireDocker();
        await CliAsync("docker", "tag", "goxec/runtime-python:latest", OwnImage);
        await base.InitializeAsync();
        Redis = await Infrastructure.RedisConnections.ConnectAsync(App.ConnectionString("redis"));
        using var deadline = new CancellationTokenSource(Timeout);
        // Created by the first worker that asks (its pool does, at start).
        string? cluster;
        while ((cluster = await Redis.GetDatabase().StringGetAsync(Goxec.Jobs.JobKeys.Cluster).WaitAsync(deadline.Token)) is null)
            await Task.Delay(100, deadline.Token);
        Cluster = cluster;
    }

    public override async ValueTask DisposeAsync()
    {
        // The AppHost removes the graph's containers as it stops (a replacement the pool was still making included), so the test image is free.
        await base.DisposeAsync();
        Docker.Dispose();
        if (Redis is not null) await Redis.DisposeAsync();
        await CliAsync("docker", "rmi", "--no-prune", OwnImage);
        Directory.Delete(_languages, recursive: true);
    }

    /// <summary>Idle (not yet taken) pool containers of the language in this graph, by id.</summary>
    public async Task<HashSet<string>> IdleAsync(string language)
    {
        var ct = TestContext.Current.CancellationToken;
        var all = await Docker.ListContainersAsync([$"{ContainerSpecFactory.PoolLabel}={language}", $"{ContainerSpecFactory.ClusterLabel}={Cluster}"], ct)
            .WaitAsync(Timeout, ct);
        return [.. all.Where(c => c.State == "running" && c.Names.Any(n => n.StartsWith("goxec-pool-", StringComparison.Ordinal))).Select(c => c.Id)];
    }

    /// <summary>Waits until the language has at least <paramref name="count"/> idle containers that satisfy <paramref name="condition"/>.</summary>
    public async Task<HashSet<string>> WaitForIdleAsync(string language, int count, Func<string, bool>? condition = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            var idle = (await IdleAsync(language)).Where(condition ?? (_ => true)).ToHashSet();
            if (idle.Count >= count) return idle;
            try { await Task.Delay(100, deadline.Token); }
            catch (OperationCanceledException) { Assert.Fail($"{language} never had {count} idle warm container(s); it has {idle.Count}.\n{RecentLogs()}"); }
        }
    }

    /// <summary>The sum of a counter over every worker, for samples whose labels include <paramref name="labels"/>.</summary>
    public async Task<double> WorkerCounterAsync(string name, params (string Key, string Value)[] labels)
    {
        var ct = TestContext.Current.CancellationToken;
        var total = 0.0;
        foreach (var worker in App.GetReplicas("worker"))
        {
            var text = await Http.GetStringAsync(new Uri(worker.Endpoint!, "/metrics"), ct).WaitAsync(Timeout, ct);
            total += PrometheusParser.Parse(text).Samples
                .Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);
        }
        return total;
    }

    public static async Task CliAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        await RunAsync(start, null);
    }

    /// <summary>Builds an image from a Dockerfile given on stdin (no context).</summary>
    public static async Task BuildAsync(string tag, string dockerfile)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "build", "-q", "-t", tag, "-" }) start.ArgumentList.Add(a);
        await RunAsync(start, dockerfile);
    }

    private static async Task RunAsync(ProcessStartInfo start, string? stdin)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    [GeneratedRegex(@"^id: .*$", RegexOptions.Multiline)]
    private static partial Regex IdLine();

    [GeneratedRegex(@"^aliases: .*$", RegexOptions.Multiline)]
    private static partial Regex AliasesLine();

    // A second language may not claim python's Judge0 ids.
    [GeneratedRegex(@"^judge0: .*$", RegexOptions.Multiline)]
    private static partial Regex Judge0Line();
}

[CollectionDefinition(Name)]
public sealed class PoolCollection : ICollectionFixture<PoolGraphFixture>
{
    public const string Name = "pool";
}
