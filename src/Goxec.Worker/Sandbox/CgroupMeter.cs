using System.Globalization;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Reads a container's cgroup v1 accounting from the host: the job cannot forge these numbers, and
/// they include every process of the stage (children too). Stages are told apart by deltas of
/// cpuacct.usage and oom_kill, and by resetting memory.max_usage_in_bytes (writing 0 sets it to the
/// current usage) before each stage. Every read tolerates a vanished cgroup (the container was killed).
/// </summary>
internal sealed class CgroupMeter(string root, string parent, string containerId)
{
    private string PathOf(string controller, string file) => Path.Combine(root, controller, parent, containerId, file);

    /// <summary>False when this host has no cgroup v1 hierarchy for the container (cgroup v2, systemd driver).</summary>
    public bool Available => File.Exists(PathOf("cpuacct", "cpuacct.usage"));

    public Sample? Read()
    {
        var cpu = ReadLong("cpuacct", "cpuacct.usage");
        var peak = ReadLong("memory", "memory.max_usage_in_bytes");
        if (cpu is null || peak is null) return null;
        return new Sample(cpu.Value, peak.Value, OomKills() ?? 0, ReadLong("memory", "memory.memsw.failcnt") ?? 0);
    }

    public void ResetPeak()
    {
        try { File.WriteAllText(PathOf("memory", "memory.max_usage_in_bytes"), "0"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Processes in the container now (pids.current): the init and the idle process count.</summary>
    public long? Processes() => ReadLong("pids", "pids.current");

    private long? OomKills()
    {
        try
        {
            foreach (var line in File.ReadLines(PathOf("memory", "memory.oom_control")))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)) return long.Parse(line[9..], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return null;
    }

    private long? ReadLong(string controller, string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(PathOf(controller, file)).Trim(), CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <param name="CpuNs">cpuacct.usage: CPU time of all the container's processes, ns.</param>
    /// <param name="PeakBytes">memory.max_usage_in_bytes since the last reset.</param>
    /// <param name="OomKills">Processes the kernel's OOM killer ended in this cgroup.</param>
    /// <param name="MemswFailures">Times the memory+swap limit was hit (allocation refused or reclaim forced).</param>
    public readonly record struct Sample(long CpuNs, long PeakBytes, long OomKills, long MemswFailures);
}
