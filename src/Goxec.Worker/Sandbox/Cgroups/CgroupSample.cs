namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// One reading of a cgroup's counters. A field is null when this host cannot give it (a missing
/// controller or interface file, a group that vanished); callers must never treat null as 0.
/// </summary>
/// <param name="CpuNs">CPU time of every process in the group since it was made, ns (v1 cpuacct.usage, v2 cpu.stat usage_usec).</param>
/// <param name="CurrentBytes">Memory charged to the group now (v1 memory.usage_in_bytes, v2 memory.current).</param>
/// <param name="PeakBytes">The highest memory charge since the group was made or its peak was last reset (v1 memory.max_usage_in_bytes, v2 memory.peak).</param>
/// <param name="OomKills">Processes the kernel's OOM killer ended in the group (v1 memory.oom_control, v2 memory.events oom_kill).</param>
/// <param name="LimitHits">Times an allocation met the memory limit (v1 memory.memsw.failcnt or memory.failcnt, v2 memory.events max).</param>
/// <param name="Processes">Tasks in the group now (pids.current).</param>
public readonly record struct CgroupSample(long? CpuNs, long? CurrentBytes, long? PeakBytes, long? OomKills, long? LimitHits, long? Processes);
