namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// Measures one stage in a cgroup: CPU time and OOM kills as deltas from the stage's start, the memory peak
/// through the group's <see cref="PeakWindow"/>. <see cref="Sample"/> may be called while the stage runs (the
/// CPU watch does, every few ms); readings after the group vanished (the container was killed) are ignored, so
/// the last good one stands. Not thread-safe: one caller samples at a time, then <see cref="Finish"/>.
/// </summary>
public sealed class CgroupStage : IDisposable
{
    private readonly Cgroup _group;
    private readonly PeakWindow _peak;
    private readonly CgroupSample _start;
    private long? _cpuNs, _oomKills, _limitHits, _exactPeak, _sampledPeak;

    internal CgroupStage(Cgroup group, PeakWindow peak)
    {
        _group = group;
        _peak = peak;
        _start = group.Read();
        Observe(_start);
    }

    /// <summary>CPU time the stage has used so far, or null when the group has no CPU accounting.</summary>
    public long? CpuMs => _start.CpuNs is { } start && _cpuNs is { } now ? Math.Max(0, (now - start) / 1_000_000) : null;

    /// <summary>Reads the group now; returns <see cref="CpuMs"/>.</summary>
    public long? Sample()
    {
        Observe(_group.Read());
        return CpuMs;
    }

    public StageUsage Finish()
    {
        Sample();
        var notes = new Dictionary<string, string>();
        var cpu = CpuMs;
        if (cpu is null) notes[StageUsage.CpuField] = $"no CPU accounting in {_group.Path} (cgroup {(int)_group.Version})";
        long? peak = _exactPeak ?? _sampledPeak;
        if (_exactPeak is null)
            notes[StageUsage.MemoryField] = _sampledPeak is null
                ? $"no memory accounting in {_group.Path}: {_peak.Approximation}"
                : $"approximate: the highest memory.current sampled while the stage ran ({_peak.Approximation})";
        return new StageUsage(cpu, peak / 1024, Rose(_start.OomKills, _oomKills), Rose(_start.LimitHits, _limitHits),
            notes.Count == 0 ? null : notes);
    }

    public void Dispose() => _peak.Dispose();

    private void Observe(CgroupSample now)
    {
        _cpuNs = now.CpuNs ?? _cpuNs;
        _oomKills = now.OomKills ?? _oomKills;
        _limitHits = now.LimitHits ?? _limitHits;
        _exactPeak = Max(_exactPeak, _peak.Read(now));
        _sampledPeak = Max(_sampledPeak, now.CurrentBytes);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static bool Rose(long? before, long? after) => before is { } b && after is { } a && a > b;
}
