using System.Diagnostics;
using System.Text;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Bench;

/// <summary>
/// What a job costs without Goxec: a bare process on the host, the same under bubblewrap in fresh
/// namespaces (when the namespace driver is measured), a fresh container driven through the Engine API
/// with the worker's own client and hardened spec (create, start, files in, compile, run, remove — the
/// same calls the sandbox makes, minus queueing and bookkeeping), and <c>docker run --rm</c>.
/// </summary>
public sealed class Floors(BenchOptions options, LanguageCatalog catalog, TextWriter progress)
{
    public const string Bare = "bare process";
    public const string DockerRun = "docker run --rm";
    public const string Bubblewrap = "bubblewrap";
    public static string Engine(string language) => $"engine api ({language})";

    // The system interpreter, not a version manager's shim (pyenv's is a shell script that costs more than Python).
    private static readonly string HostPython = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private readonly string _cluster = "bench-" + Guid.NewGuid().ToString("N")[..8];

    public async Task<List<Scenario>> RunAsync(CancellationToken ct)
    {
        // Every level the end-to-end runs at, so each figure is set against the floor under the same load.
        var floors = new List<Scenario>();
        foreach (var concurrency in options.Concurrency.Prepend(1).Distinct())
        {
            var count = concurrency == 1 ? options.FloorSamples : Math.Max(options.FloorSamples, concurrency * 2);
            floors.Add(await MeasureAsync(Bare, "python", concurrency, count, (_, c) => RunHostAsync(HostPython, ["-c", "print(1)"], "1", c), ct));
            if (options.Drivers.Contains("namespaces"))
                floors.Add(await MeasureAsync(Bubblewrap, "python", concurrency, count, (_, c) => RunHostAsync("bwrap",
                    ["--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                     HostPython, "-c", "print(1)"], "1", c), ct));
            using var docker = new DockerClient();
            foreach (var language in Programs.Languages)
            {
                var definition = catalog.Find(language) ?? throw new InvalidOperationException($"No runtime descriptor for {language}.");
                floors.Add(await MeasureAsync(Engine(language), language, concurrency, count,
                    (i, c) => RunEngineAsync(docker, definition, $"floor-{i}", c), ct));
            }
            floors.Add(await MeasureAsync(DockerRun, "python", concurrency, count, (_, c) => RunHostAsync("docker",
                ["run", "--rm", "--network", "none", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only", "--init",
                 "--memory", "256m", "--pids-limit", "64", "--user", "1000:1000", catalog.Find("python")!.Image, "python3", "-c", "print(1)"], "1", c), ct));
        }
        return floors;
    }

    private async Task<Scenario> MeasureAsync(string name, string language, int concurrency, int count, Func<int, CancellationToken, Task> run, CancellationToken ct)
    {
        await run(-1, ct); // warm caches (image layers, page cache) once, untimed
        var outcome = await Load.RunAsync($"floor {name} c={concurrency}", count, concurrency, run, progress, ct);
        return Stats.Scenario(name, "floor", language, null, concurrency, outcome.SamplesMs, outcome.Errors, outcome.Wall);
    }

    private static async Task RunHostAsync(string file, IReadOnlyList<string> args, string expected, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || (await stdout).Trim() != expected)
            throw new InvalidOperationException($"{file} exited {process.ExitCode}: {(await stderr).Trim()}");
    }

    private async Task RunEngineAsync(IDockerClient docker, LanguageDefinition language, string job, CancellationToken ct)
    {
        var sandbox = new SandboxOptions();
        StageLimits[] stages = language.Compiled ? [StageLimits.CompileDefaults, StageLimits.RunDefaults] : [StageLimits.RunDefaults];
        var spec = ContainerSpecFactory.Create(language, sandbox, stages[0], stages, job, 1, "bench", _cluster);
        var id = await docker.CreateContainerAsync(spec, null, ct);
        try
        {
            await docker.StartContainerAsync(id, ct);
            var token = "floor";
            var files = TarArchive.Build([new TarArchiveFile(language.File, Encoding.UTF8.GetBytes(Programs.Code(language.Id, token)))]);
            await ExecAsync(docker, id, sandbox, ["tar", "-x", "-C", sandbox.WorkDir, "-f", "-"], files, ct);
            if (language.Compile is { Count: > 0 } compile) await ExecAsync(docker, id, sandbox, compile, [], ct);
            var output = await ExecAsync(docker, id, sandbox, language.Run, [], ct);
            if (output.Trim() != token) throw new InvalidOperationException($"{language.Id} printed '{output.Trim()}', not '{token}'.");
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await docker.RemoveContainerAsync(id, timeout.Token);
        }
    }

    internal static async Task<string> ExecAsync(IDockerClient docker, string container, SandboxOptions sandbox, IReadOnlyList<string> argv, byte[] stdin, CancellationToken ct)
    {
        var exec = await docker.CreateExecAsync(container, new ExecCreateRequest { Cmd = argv, AttachStdin = true, User = sandbox.User, WorkingDir = sandbox.WorkDir }, ct);
        StringBuilder stdout = new(), stderr = new();
        await using (var session = await docker.StartExecAsync(exec, ct))
        {
            if (stdin.Length > 0) await session.WriteStdinAsync(stdin, ct);
            await session.CloseStdinAsync(ct);
            while (await session.ReadFrameAsync(ct) is { } frame)
                (frame.Stream == OutputStream.Stdout ? stdout : stderr).Append(Encoding.UTF8.GetString(frame.Data.Span));
        }
        var state = await docker.InspectExecAsync(exec, ct);
        return state.ExitCode == 0 ? stdout.ToString() : throw new InvalidOperationException($"{string.Join(' ', argv)} exited {state.ExitCode}: {stderr}");
    }
}
