namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// One control group as seen from the host (a container's, or one a driver made): read its counters, and
/// measure a stage of work in it with <see cref="BeginStage"/>. The job inside cannot forge any of this.
/// </summary>
public abstract class Cgroup
{
    public abstract CgroupVersion Version { get; }

    /// <summary>Where the group lives, for logs (v1: its memory controller's directory).</summary>
    public abstract string Path { get; }

    /// <summary>The counters now. Never throws; what cannot be read is null.</summary>
    public abstract CgroupSample Read();

    /// <summary>Tasks in the group now (pids.current), or null when unknown.</summary>
    public abstract long? Processes();

    /// <summary>Starts measuring a stage: from here CPU time counts, and the memory peak is the stage's own where the kernel allows.</summary>
    public CgroupStage BeginStage() => new(this, OpenPeakWindow());

    /// <summary>How this group tells a stage's own memory peak (reset it, or compare against what it was).</summary>
    internal abstract PeakWindow OpenPeakWindow();
}
