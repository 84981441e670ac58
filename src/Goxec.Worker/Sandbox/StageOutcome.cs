using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// What a stage did, from what every driver observes the same way: its output, how it ended, whether the
/// host stopped it and why, and the cgroup's counters before and after. One place, so the drivers agree
/// on verdicts and measurements.
/// </summary>
internal static class StageOutcome
{
    public static StageResult Measure(CappedBuffer stdoutBuffer, CappedBuffer stderrBuffer, int? exitCode, string? killedFor, long wallMs,
        CgroupMeter.Sample? before, CgroupMeter.Sample? after, StageLimits limits)
    {
        var cpuMs = before is { } b && after is { } a ? Math.Max(0, (a.CpuNs - b.CpuNs) / 1_000_000) : 0;
        var memoryKb = after?.PeakBytes / 1024 ?? 0;
        var signal = SignalNames.FromExitCode(exitCode);
        var exceeded = killedFor;
        if (exceeded == StageLimit.Wall && cpuMs >= limits.CpuTimeMs) exceeded = StageLimit.Cpu;
        // Ended by the CPU rlimit (SIGXCPU at the soft limit, SIGKILL at the hard one) before the host saw it.
        exceeded ??= signal == "SIGXCPU" || (signal == "SIGKILL" && cpuMs >= limits.CpuTimeMs) ? StageLimit.Cpu : null;
        // The kernel's OOM killer acted in this stage, or an allocation was refused and the program died of it.
        exceeded ??= before is { } x && after is { } y && exitCode != 0
            && (y.OomKills > x.OomKills || y.MemswFailures > x.MemswFailures) ? StageLimit.Memory : null;
        var (stdout, stdoutEncoding) = stdoutBuffer.Encoded();
        var (stderr, stderrEncoding) = stderrBuffer.Encoded();
        return new StageResult(stdout, stderr, exitCode, signal, wallMs,
            TimedOut: exceeded is StageLimit.Cpu or StageLimit.Wall,
            OutputTruncated: stdoutBuffer.Overflowed || stderrBuffer.Overflowed,
            CpuTimeMs: cpuMs, MemoryKb: memoryKb, LimitExceeded: exceeded,
            StdoutEncoding: stdoutEncoding, StderrEncoding: stderrEncoding);
    }
}
