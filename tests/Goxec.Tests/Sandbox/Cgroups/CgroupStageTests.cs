using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Tests.Sandbox.Cgroups;

/// <summary>
/// A stage measured on each recorded tree: the test changes the files between the stage's start and end as
/// the kernel would while a program runs, and checks what the worker reports — exact where the host allows,
/// approximate with a note, or null with a reason; never 0 for "not measured".
/// </summary>
public sealed class CgroupStageTests
{
    private const string Id = CgroupTree.ContainerId;
    private const string V1Memory = "memory/docker/" + Id;
    private const string V2 = "docker/" + Id;
    private const string V2Systemd = "system.slice/docker-" + Id + ".scope";

    [Fact]
    public void V1_stage_resets_the_peak_and_reports_cpu_memory_and_an_oom_kill()
    {
        using var tree = new CgroupTree("v1");
        var group = CgroupHost.Detect(tree.Root, "6.1.0").FindContainer(Id)!;

        using var stage = group.BeginStage();
        Assert.Equal("0", tree.Get($"{V1Memory}/memory.max_usage_in_bytes").Trim()); // reset to the current usage at the start
        tree.Set($"cpuacct/docker/{Id}/cpuacct.usage", (230_071_834L + 150_000_000).ToString());
        tree.Set($"{V1Memory}/memory.max_usage_in_bytes", (12 * 1024 * 1024).ToString());
        tree.Set($"{V1Memory}/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2");
        var usage = stage.Finish();

        Assert.Equal(new StageUsage(150, 12 * 1024, OomKilled: true, MemoryLimitHit: false, null), usage);
    }

    [Fact]
    public void V2_on_612_resets_memory_peak_through_the_held_file_and_reads_its_own_peak()
    {
        using var tree = new CgroupTree("v2-6.12");
        var group = CgroupHost.Detect(tree.Root, "6.12.38+deb13-amd64").FindContainer(Id)!;

        using var stage = group.BeginStage();
        Assert.StartsWith("reset", tree.Get($"{V2}/memory.peak")); // the worker wrote to memory.peak: a reset on 6.12+
        tree.Set($"{V2}/cpu.stat", "usage_usec 730071\nuser_usec 503114\nsystem_usec 226957\nnice_usec 0");
        tree.Set($"{V2}/memory.peak", (9 * 1024 * 1024).ToString()); // the kernel's answer through that file after the reset
        var usage = stage.Finish();

        Assert.Equal(new StageUsage(500, 9 * 1024, OomKilled: false, MemoryLimitHit: false, null), usage);
    }

    [Fact]
    public void V2_oom_kill_and_limit_hits_come_from_memory_events()
    {
        using var tree = new CgroupTree("v2-6.12");
        var group = CgroupHost.Detect(tree.Root, "6.12.0").FindContainer(Id)!;

        using var stage = group.BeginStage();
        tree.Set($"{V2}/memory.events", "low 0\nhigh 0\nmax 91\noom 2\noom_kill 2\noom_group_kill 0");
        var usage = stage.Finish();

        Assert.True(usage.OomKilled);
        Assert.True(usage.MemoryLimitHit);
    }

    [Fact]
    public void V2_before_612_is_exact_when_the_stage_raises_the_peak()
    {
        using var tree = new CgroupTree("v2-6.8-systemd");
        var group = CgroupHost.Detect(tree.Root, "6.8.0-45-generic").FindContainer(Id)!;

        using var stage = group.BeginStage();
        Assert.Equal("67108864", tree.Get($"{V2Systemd}/memory.peak").Trim()); // not resettable: left alone
        tree.Set($"{V2Systemd}/memory.peak", (100 * 1024 * 1024).ToString());
        var usage = stage.Finish();

        Assert.Equal(100 * 1024, usage.PeakKb);
        Assert.Null(usage.Notes);
    }

    [Fact]
    public void V2_before_612_reports_the_sampled_maximum_with_a_note_when_an_earlier_stage_peaked_higher()
    {
        using var tree = new CgroupTree("v2-6.8-systemd");
        var group = CgroupHost.Detect(tree.Root, "6.8.0-45-generic").FindContainer(Id)!;

        using var stage = group.BeginStage();
        tree.Set($"{V2Systemd}/memory.current", (3 * 1024 * 1024).ToString());
        stage.Sample();
        tree.Set($"{V2Systemd}/memory.current", (1 * 1024 * 1024).ToString());
        var usage = stage.Finish();

        Assert.Equal(3 * 1024, usage.PeakKb);
        Assert.Contains("approximate", usage.Notes![StageUsage.MemoryField]);
        Assert.Contains("6.12", usage.Notes[StageUsage.MemoryField]);
        Assert.False(usage.Notes.ContainsKey(StageUsage.CpuField));
        Assert.Equal(0, usage.CpuMs); // measured, and the stage used none: a real 0, with no note
    }

    [Fact]
    public void V2_without_memory_peak_samples_memory_current_and_says_so()
    {
        using var tree = new CgroupTree("v2-5.15");
        var group = CgroupHost.Detect(tree.Root, "5.15.0-91-generic").FindContainer(Id)!;

        using var stage = group.BeginStage();
        tree.Set($"{V2}/memory.current", (5 * 1024 * 1024).ToString());
        tree.Set($"{V2}/cpu.stat", "usage_usec 250071\nuser_usec 3114\nsystem_usec 246957");
        var usage = stage.Finish();

        Assert.Equal(20, usage.CpuMs);
        Assert.Equal(5 * 1024, usage.PeakKb);
        Assert.Contains("5.19", usage.Notes![StageUsage.MemoryField]);
    }

    [Fact]
    public void Missing_cpu_accounting_is_null_with_a_reason_never_zero()
    {
        using var tree = new CgroupTree("v2-6.12");
        File.Delete(Path.Combine(tree.Root, V2, "cpu.stat"));
        var group = CgroupHost.Detect(tree.Root, "6.12.0").FindContainer(Id)!;

        using var stage = group.BeginStage();
        var usage = stage.Finish();

        Assert.Null(usage.CpuMs);
        Assert.Contains("no CPU accounting", usage.Notes![StageUsage.CpuField]);
    }

    [Fact]
    public void A_group_that_vanishes_keeps_the_last_sample()
    {
        using var tree = new CgroupTree("v1");
        var group = CgroupHost.Detect(tree.Root, "6.1.0").FindContainer(Id)!;

        using var stage = group.BeginStage();
        tree.Set($"cpuacct/docker/{Id}/cpuacct.usage", (230_071_834L + 2_000_000_000).ToString());
        tree.Set($"{V1Memory}/memory.max_usage_in_bytes", (40 * 1024 * 1024).ToString());
        Assert.Equal(2000, stage.Sample());
        foreach (var controller in (string[])["cpuacct", "memory", "pids"])
            Directory.Delete(Path.Combine(tree.Root, controller, "docker", Id), recursive: true); // killed and removed
        var usage = stage.Finish();

        Assert.Equal(new StageUsage(2000, 40 * 1024, false, false, null), usage);
    }

    [Fact]
    public void No_cgroup_at_all_is_null_for_both_figures_with_the_reason()
    {
        var usage = StageUsage.Unmeasured("no cgroup of the container found");

        Assert.Null(usage.CpuMs);
        Assert.Null(usage.PeakKb);
        Assert.Equal("no cgroup of the container found", usage.Notes![StageUsage.CpuField]);
        Assert.Equal("no cgroup of the container found", usage.Notes[StageUsage.MemoryField]);
    }
}
