using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Sandbox;

public class ContainerSpecFactoryTests
{
    private static readonly LanguageDefinition Python = LanguageCatalog.LoadDefault().Find("python")!;

    [Fact]
    public void Under_gvisor_processes_are_capped_by_nproc_and_memory_covers_every_stage()
    {
        var options = new SandboxOptions { Runtime = "runsc" };
        var compile = new StageLimits { MemoryMb = 512, MaxProcesses = 64 };
        var run = new StageLimits { MemoryMb = 128, MaxProcesses = 16 };
        var host = ContainerSpecFactory.Create(LanguageCatalog.LoadDefault().Find("c")!, options, compile, [compile, run], "job1", 1, "worker-0", "cluster-a").HostConfig!;

        Assert.True(options.UserSpaceKernel);
        Assert.Equal("runsc", host.Runtime);
        Assert.Equal(512L * 1024 * 1024, host.Memory); // runsc cannot update a running container: the largest stage's from the start
        Assert.Contains(host.Ulimits!, u => u is { Name: "nproc", Soft: 64, Hard: 64 }); // enforced by gVisor's own kernel
        Assert.Equal(64 * 4 + 256, host.PidsLimit); // the Sentry's threads live in the cgroup too: a backstop only
        Assert.DoesNotContain(ContainerSpecFactory.Create(LanguageCatalog.LoadDefault().Find("c")!, new SandboxOptions(), compile, [compile, run], "j", 1, "w", "c").HostConfig!.Ulimits!,
            u => u.Name == "nproc"); // under runc RLIMIT_NPROC would count every process of uid 1000 on the host
    }

    [Fact]
    public void Every_hardening_field_is_set()
    {
        var options = new SandboxOptions { Runtime = "crun" };
        var run = StageLimits.RunDefaults;
        var spec = ContainerSpecFactory.Create(Python, options, run, [run], "job1", 2, "worker-0", "cluster-a");
        var host = spec.HostConfig!;

        Assert.True(spec.NetworkDisabled);
        Assert.Equal("none", host.NetworkMode);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Contains("no-new-privileges", host.SecurityOpt!);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(256L * 1024 * 1024, host.Memory);
        Assert.Equal(run.MaxProcesses + ContainerSpecFactory.OwnProcesses, host.PidsLimit);
        Assert.Equal("crun", host.Runtime); // any OCI runtime the daemon knows is passed on
        Assert.Equal("none", host.LogConfig!.Type);
        Assert.True(host.NanoCpus > 0);
        Assert.True(host.Init);
        Assert.Equal("private", host.IpcMode);
        Assert.False(host.Privileged);
        Assert.Contains("size=", host.Tmpfs!["/box"]);
        Assert.Contains("nosuid", host.Tmpfs["/box"]);
        Assert.Contains("noexec", host.Tmpfs["/tmp"]);
        Assert.Contains(host.Ulimits!, u => u is { Name: "core", Soft: 0, Hard: 0 });
        Assert.Contains(host.Ulimits!, u => u is { Name: "fsize", Soft: 16L * 1024 * 1024 });
        Assert.Contains(host.Ulimits!, u => u is { Name: "nofile", Soft: 256 });
        Assert.Contains(host.Ulimits!, u => u.Name == "cpu" && u.Hard > run.CpuTimeMs / 1000);
        // Stages run as this user; the container's own idle process is root only so user code cannot kill it.
        Assert.NotEqual("0", options.User.Split(':')[0]);
        Assert.Equal("job1", spec.Labels![ContainerSpecFactory.JobLabel]);
        Assert.Equal("2", spec.Labels[ContainerSpecFactory.AttemptLabel]);
        Assert.Equal("worker-0", spec.Labels[ContainerSpecFactory.WorkerLabel]);
        Assert.Equal("cluster-a", spec.Labels[ContainerSpecFactory.ClusterLabel]);
        // An abandoned container stops by itself: its idle process outlives the longest job by a little, not forever.
        Assert.Equal(["sleep", ((long)options.MaxContainerLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)], spec.Cmd);
        Assert.InRange(options.MaxContainerLifetime, options.InteractiveWallTime, TimeSpan.FromMinutes(10));
        Assert.DoesNotContain(spec.Env!, e => e.Contains("Redis", StringComparison.OrdinalIgnoreCase) || e.StartsWith("ConnectionStrings", StringComparison.Ordinal));
    }

    [Fact]
    public void No_binds_mounts_devices_or_secrets()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(ContainerSpecFactory.Create(Python, new SandboxOptions(), StageLimits.RunDefaults, [StageLimits.RunDefaults], "j", 1, "w", "c"));

        Assert.DoesNotContain("\"Binds\"", json);
        Assert.DoesNotContain("\"Mounts\"", json);
        Assert.DoesNotContain("\"Devices\"", json);
        Assert.DoesNotContain("docker.sock", json);
        Assert.DoesNotContain("\"CapAdd\":[", json);
    }

    [Fact]
    public void Later_stages_get_their_own_memory_and_pids()
    {
        var resources = ContainerSpecFactory.Resources(new StageLimits { MemoryMb = 100, MaxProcesses = 10 });

        Assert.Equal(100L * 1024 * 1024, resources.Memory);
        Assert.Equal(resources.Memory, resources.MemorySwap);
        Assert.Equal(10 + ContainerSpecFactory.OwnProcesses, resources.PidsLimit);
    }

    [Fact]
    public void Names_differ_per_attempt() =>
        Assert.NotEqual(ContainerSpecFactory.Name("j", 1), ContainerSpecFactory.Name("j", 2));

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(137, "SIGKILL")]
    [InlineData(139, "SIGSEGV")]
    [InlineData(136, "SIGFPE")]
    [InlineData(134, "SIGABRT")]
    public void Signals_are_named_from_exit_codes(int code, string? signal) => Assert.Equal(signal, SignalNames.FromExitCode(code));

    [Fact]
    public void Capped_buffer_keeps_the_cap_and_reports_overflow()
    {
        var buffer = new CappedBuffer(5);

        Assert.True(buffer.TryAppend("abc"u8));
        Assert.False(buffer.TryAppend("defgh"u8));
        Assert.Equal("abcde", buffer.Text);
        Assert.True(buffer.Overflowed);
    }

    [Fact]
    public void Invalid_utf8_comes_back_as_base64_and_nul_as_text()
    {
        var binary = new CappedBuffer(100);
        binary.TryAppend([0xff, 0xfe, 0x00, 0x41]);
        var nul = new CappedBuffer(100);
        nul.TryAppend("a\0b"u8);

        Assert.Equal(("//4AQQ==", "base64"), binary.Encoded());
        Assert.Equal(("a\0b", "utf8"), nul.Encoded());
    }

    [Fact]
    public void A_character_cut_at_the_cap_is_dropped_not_base64()
    {
        var buffer = new CappedBuffer(4);
        buffer.TryAppend("abcé"u8); // é is two bytes; the cap cuts it in half

        Assert.Equal(("abc", "utf8"), buffer.Encoded());
    }
}
