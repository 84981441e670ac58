using System.Text;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Bench;

/// <summary>
/// What gVisor costs beside plain containers (runc), one job at a time, through the worker's own client and
/// hardened spec: a container's start-up, Python and C hello world end to end (create → remove), and, in a
/// container already prepared, the run of a CPU-bound loop and of a syscall-heavy program. Each scenario's
/// tier is in <see cref="Scenario.Pool"/> ("runc" or "gvisor"). gVisor must be registered as "runsc".
/// </summary>
public sealed class IsolationCost(BenchOptions options, LanguageCatalog catalog, TextWriter progress)
{
    private const string CpuLoop = "#include <stdio.h>\nint main(void) { volatile unsigned long s = 0; for (unsigned long i = 0; i < 200000000UL; i++) s += i; printf(\"%d\\n\", s > 0); return 0; }\n";
    private const string Syscalls = "#include <stdio.h>\n#include <unistd.h>\nint main(void) { long s = 0; for (int i = 0; i < 100000; i++) s += getppid(); printf(\"%d\\n\", s >= 0); return 0; }\n";

    private readonly string _cluster = "bench-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>What a scenario's figure covers, for the table.</summary>
    public static string Timed(string scenario) => scenario switch
    {
        "start-up" => "create, start, exec true, remove",
        "python hello" or "c hello" => "create, start, files in, (compile,) run, remove",
        "cpu-bound loop (c)" => "the run only: 2·10⁸ additions",
        _ => "the run only: 10⁵ getppid()",
    };

    public async Task<List<Scenario>> RunAsync(CancellationToken ct)
    {
        using var docker = new DockerClient();
        var samples = options.Quick ? 3 : 10;
        var python = catalog.Find("python")!;
        var c = catalog.Find("c")!;
        (string Name, SandboxOptions Sandbox)[] tiers = [("runc", new SandboxOptions()), ("gvisor", new SandboxOptions { Runtime = "runsc" })];
        var results = new List<Scenario>();
        // Each scenario runs under both tiers back to back, so a change in the machine's load falls on both alike.
        async Task Both(string name, string language, Func<SandboxOptions, Func<int, CancellationToken, Task>> run)
        {
            foreach (var (tier, sandbox) in tiers) results.Add(await MeasureAsync(name, tier, language, samples, run(sandbox), ct));
        }
        await Both("start-up", "python", sandbox => async (_, t) =>
        {
            var id = await StartAsync(docker, python, sandbox, t);
            try { await ExecAsync(docker, id, sandbox, ["true"], [], t); }
            finally { await RemoveAsync(docker, id); }
        });
        await Both("python hello", "python", sandbox => (_, t) => HelloAsync(docker, python, sandbox, t));
        await Both("c hello", "c", sandbox => (_, t) => HelloAsync(docker, c, sandbox, t));
        foreach (var (name, code) in new[] { ("cpu-bound loop (c)", CpuLoop), ("syscall-heavy (c)", Syscalls) })
        {
            foreach (var (tier, sandbox) in tiers)
            {
                var id = await PrepareAsync(docker, c, sandbox, code, ct);
                try { results.Add(await MeasureAsync(name, tier, "c", samples, (_, t) => RunAsync(docker, id, sandbox, c, "1", t), ct)); }
                finally { await RemoveAsync(docker, id); }
            }
        }
        return results;
    }

    private async Task<Scenario> MeasureAsync(string name, string tier, string language, int count, Func<int, CancellationToken, Task> run, CancellationToken ct)
    {
        await run(-1, ct); // warm caches (image layers, page cache, the runtime's binaries) once, untimed
        var outcome = await Load.RunAsync($"isolation {name} ({tier})", count, 1, run, progress, ct);
        return Stats.Scenario(name, "isolation", language, tier, 1, outcome.SamplesMs, outcome.Errors, outcome.Wall);
    }

    private async Task HelloAsync(IDockerClient docker, LanguageDefinition language, SandboxOptions sandbox, CancellationToken ct)
    {
        var id = await PrepareAsync(docker, language, sandbox, Programs.Code(language.Id, "hello"), ct);
        try { await RunAsync(docker, id, sandbox, language, "hello", ct); }
        finally { await RemoveAsync(docker, id); }
    }

    /// <summary>A started container with the program in and compiled.</summary>
    private async Task<string> PrepareAsync(IDockerClient docker, LanguageDefinition language, SandboxOptions sandbox, string code, CancellationToken ct)
    {
        var id = await StartAsync(docker, language, sandbox, ct);
        try
        {
            await ExecAsync(docker, id, sandbox, ["tar", "-x", "-C", sandbox.WorkDir, "-f", "-"],
                TarArchive.Build([new TarArchiveFile(language.File, Encoding.UTF8.GetBytes(code))]), ct);
            if (language.Compile is { Count: > 0 } compile) await ExecAsync(docker, id, sandbox, compile, [], ct);
            return id;
        }
        catch
        {
            await RemoveAsync(docker, id);
            throw;
        }
    }

    private static async Task RunAsync(IDockerClient docker, string id, SandboxOptions sandbox, LanguageDefinition language, string expected, CancellationToken ct)
    {
        var output = await ExecAsync(docker, id, sandbox, language.Run, [], ct);
        if (output.Trim() != expected) throw new InvalidOperationException($"{language.Id} printed '{output.Trim()}', not '{expected}'.");
    }

    private async Task<string> StartAsync(IDockerClient docker, LanguageDefinition language, SandboxOptions sandbox, CancellationToken ct)
    {
        StageLimits[] stages = language.Compiled ? [StageLimits.CompileDefaults, StageLimits.RunDefaults with { CpuTimeMs = 10_000, WallTimeMs = 30_000 }] : [StageLimits.RunDefaults];
        var id = await docker.CreateContainerAsync(ContainerSpecFactory.Create(language, sandbox, stages[0], stages, "isolation", 1, "bench", _cluster), null, ct);
        try
        {
            await docker.StartContainerAsync(id, ct);
            return id;
        }
        catch
        {
            await RemoveAsync(docker, id);
            throw;
        }
    }

    private static async Task RemoveAsync(IDockerClient docker, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await docker.RemoveContainerAsync(id, timeout.Token);
    }

    private static Task<string> ExecAsync(IDockerClient docker, string container, SandboxOptions sandbox, IReadOnlyList<string> argv, byte[] stdin, CancellationToken ct) =>
        Floors.ExecAsync(docker, container, sandbox, argv, stdin, ct);
}
