namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// A cgroup v1 group: the same relative path under each controller's hierarchy (cpuacct, memory, pids).
/// A stage's peak is its own: writing 0 to memory.max_usage_in_bytes sets it to the current usage.
/// </summary>
public sealed class CgroupV1(string root, string relative) : Cgroup
{
    public override CgroupVersion Version => CgroupVersion.V1;

    public override string Path => File("memory", "");

    public override CgroupSample Read()
    {
        var memory = File("memory", "memory.oom_control");
        return new CgroupSample(
            CpuNs: CgroupFile.ReadLong(File("cpuacct", "cpuacct.usage")),
            CurrentBytes: CgroupFile.ReadLong(File("memory", "memory.usage_in_bytes")),
            PeakBytes: CgroupFile.ReadLong(File("memory", "memory.max_usage_in_bytes")),
            OomKills: CgroupFile.ReadKey(memory, "oom_kill"),
            // memsw only exists with swap accounting on; either counts allocations that met the limit.
            LimitHits: CgroupFile.ReadLong(File("memory", "memory.memsw.failcnt")) ?? CgroupFile.ReadLong(File("memory", "memory.failcnt")),
            Processes: Processes());
    }

    public override long? Processes() => CgroupFile.ReadLong(File("pids", "pids.current"));

    internal override PeakWindow OpenPeakWindow()
    {
        try
        {
            System.IO.File.WriteAllText(File("memory", "memory.max_usage_in_bytes"), "0");
            return new PeakWindow.SinceReset();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to reset (no write access): the peak since the group was made, when this stage raised it.
            return new PeakWindow.RiseOnly(Read().PeakBytes, $"memory.max_usage_in_bytes could not be reset: {e.Message}");
        }
    }

    /// <summary>True when the group exists in the memory or cpuacct hierarchy.</summary>
    public bool Exists => Directory.Exists(File("memory", "")) || Directory.Exists(File("cpuacct", ""));

    private string File(string controller, string name) => System.IO.Path.Combine(root, controller, relative, name);
}
