using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Tests.Sandbox.Cgroups;

public sealed class CgroupHostTests
{
    [Theory]
    [InlineData("v1", "6.1.0-18-amd64", CgroupVersion.V1, false)]
    [InlineData("v2-6.12", "6.12.38+deb13-amd64", CgroupVersion.V2, true)]
    [InlineData("v2-6.8-systemd", "6.8.0-45-generic", CgroupVersion.V2, false)]
    [InlineData("v2-5.15", "5.15.0-91-generic", CgroupVersion.V2, false)]
    public void Detects_the_hierarchy_the_host_has(string tree, string kernel, CgroupVersion version, bool resettable)
    {
        using var copy = new CgroupTree(tree);

        var host = CgroupHost.Detect(copy.Root, kernel);

        Assert.Equal(version, host.Version);
        Assert.Equal(resettable, host.PeakResettable);
    }

    [Fact]
    public void A_root_without_cgroups_has_no_version_and_finds_nothing()
    {
        var empty = Directory.CreateTempSubdirectory("goxec-cgroup-").FullName;
        try
        {
            var host = CgroupHost.Detect(empty, "6.12.0");

            Assert.Null(host.Version);
            Assert.Null(host.FindContainer(CgroupTree.ContainerId));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("v1", "memory/docker/" + CgroupTree.ContainerId)]
    [InlineData("v2-6.12", "docker/" + CgroupTree.ContainerId)]
    [InlineData("v2-6.8-systemd", "system.slice/docker-" + CgroupTree.ContainerId + ".scope")]
    public void Finds_a_container_under_the_cgroupfs_or_the_systemd_driver(string tree, string expected)
    {
        using var copy = new CgroupTree(tree);

        var group = CgroupHost.Detect(copy.Root, "6.8.0").FindContainer(CgroupTree.ContainerId);

        Assert.NotNull(group);
        Assert.Equal(Path.Combine(copy.Root, expected), group.Path.TrimEnd('/'));
        Assert.Null(CgroupHost.Detect(copy.Root, "6.8.0").FindContainer("0123456789ab"));
    }

    [Theory]
    [InlineData("v1", 230_071_834L, 417_792L, 67_108_864L, 1L, 0L, 1L)]
    [InlineData("v2-6.12", 230_071_000L, 417_792L, 67_108_864L, 1L, 57L, 2L)]
    [InlineData("v2-5.15", 230_071_000L, 417_792L, null, 1L, 57L, 2L)]
    public void Reads_the_recorded_counters(string tree, long cpuNs, long current, long? peak, long oomKills, long limitHits, long processes)
    {
        using var copy = new CgroupTree(tree);

        var sample = CgroupHost.Detect(copy.Root, "6.12.0").FindContainer(CgroupTree.ContainerId)!.Read();

        Assert.Equal(new CgroupSample(cpuNs, current, peak, oomKills, limitHits, processes), sample);
    }

    [Theory]
    [InlineData("6.12.0-1-amd64", true)]
    [InlineData("6.18.44-fc", true)]
    [InlineData("7.0.1", true)]
    [InlineData("6.11.9", false)]
    [InlineData("5.19.0", false)]
    [InlineData("garbage", false)]
    [InlineData(null, false)]
    public void Knows_which_kernels_reset_memory_peak(string? release, bool expected) =>
        Assert.Equal(expected, CgroupHost.KernelAtLeast(release, 6, 12));
}
