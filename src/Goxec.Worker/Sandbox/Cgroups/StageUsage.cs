namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// What one stage used, measured from its cgroup. <see cref="CpuMs"/> and <see cref="PeakKb"/> are null when
/// this host cannot measure them; <see cref="Notes"/> then says why, keyed by the job JSON's field name
/// (<see cref="CpuField"/>, <see cref="MemoryField"/>). An approximate figure carries a note too.
/// </summary>
public sealed record StageUsage(long? CpuMs, long? PeakKb, bool OomKilled, bool MemoryLimitHit, IReadOnlyDictionary<string, string>? Notes)
{
    public const string CpuField = "cpuTimeMs";
    public const string MemoryField = "memoryKb";

    /// <summary>No cgroup to read: nothing measured, and both figures say why.</summary>
    public static StageUsage Unmeasured(string why) =>
        new(null, null, false, false, new Dictionary<string, string> { [CpuField] = why, [MemoryField] = why });
}
