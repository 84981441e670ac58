using System.Text.Json;
using Goxec.Tests.Languages;
using Goxec.Tests.Pipeline;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Namespaces;

/// <summary>
/// The same job gives the same result under both drivers: each language's sum and failing programs run
/// through a graph on the container driver and one on the namespace driver, and their verdict, output,
/// exit status, CPU time and peak memory agree — the measurements within the noise of a shared machine
/// (each is the median of three runs).
/// </summary>
public class DriverParityTests(DockerParityGraph docker, NamespacesParityGraph namespaces) : IClassFixture<DockerParityGraph>, IClassFixture<NamespacesParityGraph>
{
    private const int Runs = 3;

    /// <summary>
    /// How far the measurements may differ. Each driver counts what its sandbox runs besides the program (the
    /// container's exec and prlimit; the sandbox's launcher, init, shell and tar), which adds a few ms of CPU
    /// and a few MB of memory; the rest is the machine's noise.
    /// </summary>
    private static readonly (long Absolute, double Relative) CpuTolerance = (60, 0.35), MemoryKbTolerance = (12 * 1024, 0.35);

    /// <summary>The language suite's programs: each language's sum programs (given "40 2") and its failing one.</summary>
    public static TheoryData<string, string> Programs() => new(
        LanguageTests.SumPrograms().Select(row => (row.Data.Item1, row.Data.Item2))
            .Concat(LanguageTests.FailingLanguages().Select(row => (row.Data, LanguageTests.FailingProgram(row.Data))))
            .OrderBy(p => p.Item1, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Both_drivers_give_the_same_result(string language, string program)
    {
        var job = new { language, files = new[] { LanguageTests.Program(language, program) }, stdin = program.StartsWith("sum", StringComparison.Ordinal) ? "40 2\n" : "" };
        var onDocker = await MedianAsync("docker", docker, job);
        var onNamespaces = await MedianAsync("namespaces", namespaces, job);
        TestContext.Current.TestOutputHelper?.WriteLine($"{language} {program}: docker {onDocker}; namespaces {onNamespaces}");

        Assert.Equal(onDocker.Verdict, onNamespaces.Verdict);
        AssertSameStage($"{language} {program} compile", onDocker.Compile, onNamespaces.Compile, output: false);
        AssertSameStage($"{language} {program} run", onDocker.Run, onNamespaces.Run, output: true);
    }

    /// <summary>
    /// Syscalls a hostile program would reach for, each tried once. Docker's default profile refuses most;
    /// the namespace sandbox must refuse every one Docker refuses (at least as strict), and those it refuses
    /// beyond Docker's (io_uring, modify_ldt, uncommon socket families, ASLR off, file handles).
    /// </summary>
    private const string SyscallProbe = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <sched.h>
        #include <signal.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/personality.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static void probe(const char *name, long rc) {
            printf("%s %s\n", name, rc != -1 ? "reached" : errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : "reached");
            fflush(stdout);
        }
        int main(void) {
            char handle[128] = {0}; int mount_id;
            probe("mount", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, 0));
            probe("umount2", syscall(SYS_umount2, "/proc", 0));
            probe("unshare(CLONE_NEWUSER)", syscall(SYS_unshare, CLONE_NEWUSER));
            probe("unshare(CLONE_NEWNS)", syscall(SYS_unshare, CLONE_NEWNS));
            probe("clone(CLONE_NEWUSER)", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0) == 0 ? (_exit(0), 0) : -1);
            probe("clone3", syscall(SYS_clone3, 0, 0));
            probe("setns", syscall(SYS_setns, 0, CLONE_NEWNET));
            probe("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
            probe("chroot", syscall(SYS_chroot, "/tmp"));
            probe("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
            probe("add_key", syscall(SYS_add_key, "user", "goxec", "x", 1, -3));
            probe("bpf", syscall(SYS_bpf, 0, 0, 0));
            probe("perf_event_open", syscall(SYS_perf_event_open, 0, 0, -1, -1, 0));
            probe("userfaultfd", syscall(SYS_userfaultfd, 0));
            probe("init_module", syscall(SYS_init_module, 0, 0, ""));
            probe("finit_module", syscall(SYS_finit_module, -1, "", 0));
            probe("kexec_load", syscall(SYS_kexec_load, 0, 0, 0, 0));
            probe("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, 0, 0));
            probe("name_to_handle_at", syscall(SYS_name_to_handle_at, AT_FDCWD, ".", handle, &mount_id, 0));
            probe("swapon", syscall(SYS_swapon, "/nonexistent", 0));
            probe("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0));
            probe("acct", syscall(SYS_acct, "/nonexistent"));
            probe("settimeofday", syscall(SYS_settimeofday, (void *)1, 0));
            probe("clock_adjtime", syscall(SYS_clock_adjtime, 0, 0));
            probe("adjtimex", syscall(SYS_adjtimex, 0));
            probe("io_uring_setup", syscall(SYS_io_uring_setup, 1, 0));
            probe("modify_ldt", syscall(SYS_modify_ldt, 0, handle, sizeof handle));
            probe("personality(ADDR_NO_RANDOMIZE)", syscall(SYS_personality, ADDR_NO_RANDOMIZE));
            probe("socket(AF_VSOCK)", socket(40, SOCK_STREAM, 0));
            probe("socket(AF_ALG)", socket(38, SOCK_SEQPACKET, 0));
            probe("socket(AF_PACKET)", socket(17, SOCK_RAW, 0));
            probe("socket(AF_NETLINK,NETLINK_AUDIT)", socket(AF_NETLINK, SOCK_RAW, 9));
            return 0;
        }
        """;

    [Fact]
    public async Task The_namespace_sandbox_refuses_every_syscall_docker_refuses_and_more()
    {
        var job = new { language = "c", code = SyscallProbe };
        var onDocker = Probe(await docker.RunAsync(job));
        var onNamespaces = Probe(await namespaces.RunAsync(job));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', onDocker.Keys.Select(k => $"{k}: docker {onDocker[k]}, namespaces {onNamespaces.GetValueOrDefault(k)}")));

        Assert.Equal(onDocker.Keys.Order(), onNamespaces.Keys.Order());
        Assert.All(onNamespaces, p => Assert.True(p.Value is "EPERM" or "ENOSYS", $"{p.Key} was {p.Value} in the namespace sandbox"));
        Assert.Equal("ENOSYS", onNamespaces["clone3"]); // the C library then falls back to clone, which the filter can check
    }

    private static Dictionary<string, string> Probe(JsonElement job)
    {
        Assert.True(job.GetProperty("verdict").GetString() == "accepted", job.ToString());
        return job.GetProperty("run").GetProperty("stdout").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[^1]);
    }

    private static void AssertSameStage(string what, Stage? a, Stage? b, bool output)
    {
        Assert.True((a is null) == (b is null), $"{what}: one driver ran the stage, the other did not ({a} / {b})");
        if (a is null || b is null) return;
        Assert.True(a.ExitCode == b.ExitCode && a.Signal == b.Signal, $"{what}: exit {a.ExitCode}/{a.Signal} vs {b.ExitCode}/{b.Signal}");
        if (output) Assert.True(a.Stdout == b.Stdout, $"{what}: stdout '{a.Stdout}' vs '{b.Stdout}'");
        // A stage stopped at a limit used whatever the machine gave it until then: its figures measure the machine, not the driver.
        Assert.True((a.Limit is null) == (b.Limit is null), $"{what}: limit {a.Limit} vs {b.Limit}");
        if (a.Limit is not null) return;
        AssertClose($"{what} CPU ms", a.CpuMs, b.CpuMs, CpuTolerance);
        AssertClose($"{what} peak memory KB", a.MemoryKb, b.MemoryKb, MemoryKbTolerance);
    }

    private static void AssertClose(string what, long a, long b, (long Absolute, double Relative) tolerance)
    {
        var allowed = tolerance.Absolute + tolerance.Relative * Math.Max(a, b);
        Assert.True(Math.Abs(a - b) <= allowed, $"{what}: docker {a}, namespaces {b} (differ by more than {allowed:0})");
        Assert.True(a > 0 || b == 0, $"{what}: docker measured nothing");
        Assert.True(b > 0 || a == 0, $"{what}: namespaces measured nothing");
    }

    private static async Task<Result> MedianAsync(string driver, GoxecGraphFixture graph, object job)
    {
        var results = new List<Result>();
        for (var i = 0; i < Runs; i++) results.Add(Result.Of(await graph.RunAsync(job)));
        var verdicts = results.Select(r => r.Verdict).Distinct().ToList();
        Assert.True(verdicts.Count == 1, $"the {driver} driver gave different verdicts for the same job: {string.Join("; ", results)}");
        return results.OrderBy(r => (r.Run ?? r.Compile)?.CpuMs).ElementAt(Runs / 2) with
        {
            Compile = Stage.Median(results.Select(r => r.Compile)),
            Run = Stage.Median(results.Select(r => r.Run)),
        };
    }

    private sealed record Result(string Verdict, Stage? Compile, Stage? Run)
    {
        public static Result Of(JsonElement job) => new(job.GetProperty("verdict").GetString()!, Stage.Of(job.GetProperty("compile")), Stage.Of(job.GetProperty("run")));
    }

    /// <param name="Stderr">The first lines of the stage's stderr, to say why when a run differs.</param>
    private sealed record Stage(int? ExitCode, string? Signal, string Stdout, long CpuMs, long MemoryKb, string? Limit, string Stderr)
    {
        public static Stage? Of(JsonElement stage) => stage.ValueKind != JsonValueKind.Object ? null : new(
            stage.GetProperty("exitCode").ValueKind == JsonValueKind.Number ? stage.GetProperty("exitCode").GetInt32() : null,
            stage.GetProperty("signal").GetString(), stage.GetProperty("stdout").GetString()!,
            stage.GetProperty("cpuTimeMs").GetInt64(), stage.GetProperty("memoryKb").GetInt64(),
            stage.TryGetProperty("limitExceeded", out var limit) ? limit.GetString() : null,
            stage.GetProperty("stderr").GetString() is { } stderr && stderr.Length > 300 ? stderr[..300] + "…" : stage.GetProperty("stderr").GetString() ?? "");

        /// <summary>Each measurement's median over the runs (they are independent noise); the rest is the first run's.</summary>
        public static Stage? Median(IEnumerable<Stage?> runs)
        {
            var list = runs.ToList();
            if (list[0] is not { } first) return null;
            return first with
            {
                CpuMs = list.Select(s => s!.CpuMs).Order().ElementAt(list.Count / 2),
                MemoryKb = list.Select(s => s!.MemoryKb).Order().ElementAt(list.Count / 2),
            };
        }
    }
}

/// <summary>A graph on the container driver (no warm pool: every job in a fresh container, like the namespace driver's fresh sandbox).</summary>
public sealed class DockerParityGraph : GoxecGraphFixture
{
    protected override string Driver => SandboxDrivers.Docker;

    protected override Dictionary<string, string> Environment() => new() { ["Worker__Concurrency"] = "1", ["Sandbox__Pool__Enabled"] = "false" };
}

/// <summary>A graph on the namespace driver.</summary>
public sealed class NamespacesParityGraph : GoxecGraphFixture
{
    protected override string Driver => SandboxDrivers.Namespaces;

    protected override Dictionary<string, string> Environment() => new() { ["Worker__Concurrency"] = "1" };
}
