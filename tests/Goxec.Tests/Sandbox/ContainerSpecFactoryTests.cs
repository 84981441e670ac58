using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Sandbox;

public class ContainerSpecFactoryTests
{
    private static readonly LanguageDefinition Python = LanguageCatalog.LoadDefault().Find("python")!;

    [Fact]
    public void Every_hardening_field_is_set()
    {
        var limits = new SandboxOptions();
        var spec = ContainerSpecFactory.Create(Python, limits, "job1", 2, "worker-0", "cluster-a");
        var host = spec.HostConfig!;

        Assert.True(spec.NetworkDisabled);
        Assert.Equal("none", host.NetworkMode);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Contains("no-new-privileges", host.SecurityOpt!);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(limits.MemoryBytes, host.Memory);
        Assert.Equal(limits.PidsLimit, host.PidsLimit);
        Assert.True(host.NanoCpus > 0);
        Assert.True(host.Init);
        Assert.Equal("private", host.IpcMode);
        Assert.False(host.Privileged);
        Assert.Contains("size=", host.Tmpfs!["/box"]);
        Assert.Contains("nosuid", host.Tmpfs["/box"]);
        Assert.Contains(host.Ulimits!, u => u is { Name: "core", Soft: 0, Hard: 0 });
        Assert.NotEqual("0", spec.User!.Split(':')[0]);
        Assert.NotEqual("root", spec.User);
        Assert.Equal("job1", spec.Labels![ContainerSpecFactory.JobLabel]);
        Assert.Equal("2", spec.Labels[ContainerSpecFactory.AttemptLabel]);
        Assert.Equal("worker-0", spec.Labels[ContainerSpecFactory.WorkerLabel]);
        Assert.Equal("cluster-a", spec.Labels[ContainerSpecFactory.ClusterLabel]);
        Assert.DoesNotContain(spec.Env!, e => e.Contains("Redis", StringComparison.OrdinalIgnoreCase) || e.StartsWith("ConnectionStrings", StringComparison.Ordinal));
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
}
