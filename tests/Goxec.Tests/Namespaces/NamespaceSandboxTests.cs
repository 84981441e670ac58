using System.Runtime.Versioning;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Tests.Infrastructure;
using Goxec.Worker.Sandbox;
using Goxec.Worker.Sandbox.Namespaces;
using Microsoft.Extensions.Logging.Abstractions;

namespace Goxec.Tests.Namespaces;

/// <summary>The namespace driver on its own, against the real engine (for the images), bubblewrap and cgroups.</summary>
[SupportedOSPlatform("linux")]
[Collection(NamespaceHostCollection.Name)]
public class NamespaceSandboxTests(NamespaceHostFixture host)
{
    private static readonly LanguageCatalog Languages = LanguageCatalog.LoadDefault();

    private async Task<SandboxOutcome> RunAsync(string language, string code, string stdin = "", StageLimits? limits = null, RecordedEvents? events = null)
    {
        var definition = Languages.Find(language)!;
        var job = new JobSpec(Guid.NewGuid().ToString("N"), language, [new SourceFile(definition.File, code)], stdin, [], DateTimeOffset.UtcNow, Limits: limits);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return await host.Sandbox.RunAsync(job, definition, 1, events ?? new RecordedEvents(), timeout.Token);
    }

    [Fact]
    public async Task A_python_program_reads_stdin_and_is_measured()
    {
        var events = new RecordedEvents();
        var outcome = await RunAsync("python", "import sys\nprint(sum(map(int, sys.stdin.read().split())))", "40 2\n", events: events);

        Assert.True(outcome.Verdict == Verdict.Accepted, outcome.ToString());
        Assert.Equal("42\n", outcome.Run!.Stdout);
        Assert.True(outcome.Run.MemoryKb > 1024, outcome.Run.ToString());
        Assert.True(outcome.Run.CpuTimeMs > 0, outcome.Run.ToString());
        Assert.Equal("42\n", events.Stdout);
        Assert.Equal(["run"], events.Exits);
    }

    [Fact]
    public async Task A_c_program_is_compiled_then_run()
    {
        var outcome = await RunAsync("c", "#include <stdio.h>\nint main(void){ int a, b; scanf(\"%d %d\", &a, &b); printf(\"%d\\n\", a + b); return 0; }", "40 2");

        Assert.True(outcome.Verdict == Verdict.Accepted, outcome.ToString());
        Assert.Equal("42\n", outcome.Run!.Stdout);
        Assert.Equal(0, outcome.Compile!.ExitCode);
    }

    [Fact]
    public async Task A_compile_error_skips_the_run()
    {
        var outcome = await RunAsync("c", "int main(void) { return x; }");

        Assert.Equal(Verdict.CompileError, outcome.Verdict);
        Assert.Null(outcome.Run);
        Assert.Contains("x", outcome.Compile!.Stderr);
    }

    [Fact]
    public async Task A_cpu_loop_is_stopped_at_its_cpu_time()
    {
        var outcome = await RunAsync("python", "while True: pass", limits: StageLimits.RunDefaults with { CpuTimeMs = 1000, WallTimeMs = 10_000 });

        TestContext.Current.TestOutputHelper?.WriteLine(outcome.Run!.ToString());
        Assert.Equal(Verdict.TimeLimitExceeded, outcome.Verdict);
        Assert.Equal(StageLimit.Cpu, outcome.Run!.LimitExceeded);
        Assert.InRange(outcome.Run.CpuTimeMs ?? 0, 1000, 1500);
    }

    /// <summary>
    /// As in a fresh container: no signal ignored or blocked (the worker's own — .NET ignores SIGPIPE, a worker
    /// started in the background ignores SIGINT and SIGQUIT — are not inherited), and the standard streams are the
    /// program's own, so it can open them by name.
    /// </summary>
    [Fact]
    public async Task A_program_starts_with_default_signals_and_its_own_standard_streams()
    {
        var outcome = await RunAsync("bash", """
            grep -E '^Sig(Ign|Blk)' /proc/self/status
            cat /dev/stdin
            echo to-stdout > /dev/stdout
            """, "from stdin\n");

        Assert.True(outcome.Verdict == Verdict.Accepted, outcome.ToString());
        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nfrom stdin\nto-stdout\n", outcome.Run!.Stdout);
    }

    [Fact]
    public async Task The_sandbox_is_what_the_job_sees()
    {
        var outcome = await RunAsync("python", """
            import os, socket
            status = dict(l.split(':\t') for l in open('/proc/self/status').read().splitlines() if ':\t' in l)
            print(os.getuid(), os.getgid(), status['CapEff'], status['NoNewPrivs'], status['Seccomp'])
            print(sorted(os.environ))
            print([n for _, n in socket.if_nameindex()], socket.gethostname())
            print(sorted(os.listdir('/box')), os.getcwd())
            print(repr(open('/proc/1/environ').read()))
            """);

        Assert.True(outcome.Verdict == Verdict.Accepted, outcome.ToString());
        Assert.Equal("1000 1000 0000000000000000 1 2\n['HOME', 'HOSTNAME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'TMPDIR']\n['lo'] sandbox\n['main.py'] /box\n''\n",
            outcome.Run!.Stdout);
    }
}

/// <summary>A namespace driver on this host, for direct tests.</summary>
[SupportedOSPlatform("linux")]
public sealed class NamespaceHostFixture : IDisposable
{
    public NamespaceHostFixture()
    {
        Prerequisite.RequireDocker();
        Prerequisite.RequireExecutable("bwrap", "apt-get install bubblewrap");
        Prerequisite.Require(Environment.UserName == "root", "root (the driver makes cgroups and drops to its uids)", "run the tests as root");
        Host = new NamespaceHost(Docker, Goxec.Worker.Sandbox.Cgroups.CgroupHost.Detect(), Microsoft.Extensions.Options.Options.Create(new SandboxOptions()), NullLogger<NamespaceHost>.Instance);
        Host.EnsureReady();
        Sandbox = new NamespaceSandbox(null!, null!, Host, new SandboxActivity(), NullLogger<NamespaceSandbox>.Instance);
    }

    public DockerClient Docker { get; } = new(DockerClientOptions.FromEnvironment());
    public NamespaceHost Host { get; }
    public NamespaceSandbox Sandbox { get; }

    public void Dispose()
    {
        Host.Dispose();
        Docker.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class NamespaceHostCollection : ICollectionFixture<NamespaceHostFixture>
{
    public const string Name = "namespace host";
}

/// <summary>The live events of a job, as the Api would relay them.</summary>
public sealed class RecordedEvents : IJobEvents
{
    private readonly System.Text.StringBuilder _stdout = new();
    public List<string> Exits { get; } = [];
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public void Output(OutputStream stream, ReadOnlySpan<byte> data)
    {
        if (stream == OutputStream.Stdout) lock (_stdout) _stdout.Append(System.Text.Encoding.UTF8.GetString(data));
    }

    public void StageExit(string stage, StageResult result)
    {
        lock (Exits) Exits.Add(stage);
    }
}
