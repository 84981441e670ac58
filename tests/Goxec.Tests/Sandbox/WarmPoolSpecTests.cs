using System.Text.Json;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Sandbox;

/// <summary>A warm container is built by the same factory as a fresh one and must not be one bit less hardened.</summary>
public class WarmPoolSpecTests
{
    private static readonly LanguageCatalog Catalog = LanguageCatalog.LoadDefault();
    private static readonly LanguageDefinition Python = Catalog.Find("python")!;
    private static readonly LanguageDefinition C = Catalog.Find("c")!;

    [Fact]
    public void Warm_spec_has_the_fresh_spec_hardening()
    {
        var options = new SandboxOptions { Runtime = "crun" };
        var first = ContainerSpecFactory.WarmFirstStage(Python, options);
        var fresh = ContainerSpecFactory.Create(Python, options, first, [options.RunCeiling], "job1", 1, "worker-0", "cluster-a");
        var warm = ContainerSpecFactory.CreateWarm(Python, options, "sha256:abc", "worker-0", "cluster-a");
        var host = warm.HostConfig!;

        // Everything but the image (pinned to the checked id), the labels and the idle lifetime is the same as
        // a fresh container of a job with the default limits that may reach the ceilings.
        Assert.Equal(Json(fresh with { Image = "", Labels = null, Cmd = null }), Json(warm with { Image = "", Labels = null, Cmd = null }));
        Assert.Equal("sha256:abc", warm.Image);
        Assert.True(warm.NetworkDisabled);
        Assert.Equal("none", host.NetworkMode);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Contains("no-new-privileges", host.SecurityOpt!);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(StageLimits.RunDefaults.MemoryMb * 1024L * 1024, host.Memory);
        Assert.Equal(StageLimits.RunDefaults.MaxProcesses + ContainerSpecFactory.OwnProcesses, host.PidsLimit);
        Assert.Equal("0:0", warm.User); // the idle process only; every stage execs as options.User
        Assert.Equal("crun", host.Runtime); // any OCI runtime the daemon knows is passed on
        Assert.Equal("none", host.LogConfig!.Type);
        Assert.True(host.Init);
        Assert.Equal("private", host.IpcMode);
        Assert.False(host.Privileged);
        Assert.Contains("nosuid", host.Tmpfs!["/box"]);
        Assert.Contains("noexec", host.Tmpfs["/tmp"]);
        Assert.Contains(host.Ulimits!, u => u is { Name: "core", Soft: 0, Hard: 0 });
        Assert.Contains(host.Ulimits!, u => u.Name == "fsize" && u.Hard == options.RunCeiling.MaxFileSizeKb * 1024L);
        Assert.Contains(host.Ulimits!, u => u.Name == "cpu" && u.Hard == options.RunCeiling.CpuTimeMs / 1000 + 3);
        Assert.Contains(host.Ulimits!, u => u is { Name: "nofile", Soft: 256, Hard: 256 });
    }

    [Fact]
    public void Warm_container_is_labelled_for_the_pool_and_the_reaper_not_for_a_job()
    {
        var warm = ContainerSpecFactory.CreateWarm(Python, new SandboxOptions(), "sha256:abc", "worker-0", "cluster-a");

        Assert.Equal("python", warm.Labels![ContainerSpecFactory.PoolLabel]);
        Assert.Equal("worker-0", warm.Labels[ContainerSpecFactory.WorkerLabel]);
        Assert.Equal("cluster-a", warm.Labels[ContainerSpecFactory.ClusterLabel]);
        Assert.False(warm.Labels.ContainsKey(ContainerSpecFactory.JobLabel));
        Assert.StartsWith("goxec-pool-python-", ContainerSpecFactory.WarmName("python"));
        Assert.NotEqual(ContainerSpecFactory.WarmName("python"), ContainerSpecFactory.WarmName("python"));
    }

    [Fact]
    public void Warm_container_idles_no_longer_than_max_idle_plus_the_longest_job()
    {
        var options = new SandboxOptions();
        var warm = ContainerSpecFactory.CreateWarm(Python, options, "sha256:abc", "w", "c");
        var seconds = long.Parse(warm.Cmd![1]);

        Assert.Equal("sleep", warm.Cmd[0]);
        Assert.True(seconds >= (options.MaxContainerLifetime + options.Pool.MaxIdle).TotalSeconds, $"{seconds}s");
        Assert.True(seconds <= (options.MaxContainerLifetime + options.Pool.MaxIdle + TimeSpan.FromMinutes(1)).TotalSeconds, $"{seconds}s");
    }

    [Fact]
    public void Compiled_language_starts_at_compile_defaults_with_rlimits_for_both_ceilings()
    {
        var options = new SandboxOptions();
        var host = ContainerSpecFactory.CreateWarm(C, options, "sha256:abc", "w", "c").HostConfig!;

        Assert.Equal(StageLimits.CompileDefaults.MemoryMb * 1024L * 1024, host.Memory); // the first stage: compile
        Assert.Contains(host.Ulimits!, u => u.Name == "cpu" && u.Hard == Math.Max(options.CompileCeiling.CpuTimeMs, options.RunCeiling.CpuTimeMs) / 1000 + 3);
        Assert.Contains(host.Ulimits!, u => u.Name == "fsize" && u.Hard == Math.Max(options.CompileCeiling.MaxFileSizeKb, options.RunCeiling.MaxFileSizeKb) * 1024L);
    }

    [Fact]
    public void Warm_first_stage_never_exceeds_a_lowered_ceiling()
    {
        var options = new SandboxOptions { RunCeiling = StageLimits.RunMaxima with { MemoryMb = 64, MaxProcesses = 8 } };

        var first = ContainerSpecFactory.WarmFirstStage(Python, options);

        Assert.Equal(64, first.MemoryMb);
        Assert.Equal(8, first.MaxProcesses);
    }

    private static string Json(Goxec.Docker.ContainerCreateRequest spec) => JsonSerializer.Serialize(spec);
}
