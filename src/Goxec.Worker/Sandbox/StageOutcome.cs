using Goxec.Jobs;
using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// What a stage did, from what every driver observes the same way: its output, how it ended, whether the
/// host stopped it and why, and its cgroup's usage. One place, so the drivers agree on verdicts and measurements.
/// </summary>
internal static class StageOutcome
{
    public static StageResult Measure(CappedBuffer stdoutBuffer, CappedBuffer stderrBuffer, int? exitCode, string? killedFor, long wallMs,
        StageUsage usage, StageLimits limits)
    {
        var cpuMs = usage.CpuMs;
        var signal = SignalNames.FromExitCode(exitCode);
        var exceeded = killedFor;
        if (exceeded == StageLimit.Wall && cpuMs >= limits.CpuTimeMs) exceeded = StageLimit.Cpu;
        // Ended by the CPU rlimit (SIGXCPU at the soft limit, SIGKILL at the hard one) before the host saw it.
        exceeded ??= signal == "SIGXCPU" || (signal == "SIGKILL" && cpuMs >= limits.CpuTimeMs) ? StageLimit.Cpu : null;
        // The kernel's OOM killer acted in this stage, or an allocation met the limit and the program died of it.
        exceeded ??= exitCode != 0 && (usage.OomKilled || usage.MemoryLimitHit) ? StageLimit.Memory : null;
        var (stdout, stdoutEncoding) = stdoutBuffer.Encoded();
        var (stderr, stderrEncoding) = stderrBuffer.Encoded();
        return new StageResult(stdout, stderr, exitCode, signal, wallMs,
            TimedOut: exceeded is StageLimit.Cpu or StageLimit.Wall,
            OutputTruncated: stdoutBuffer.Overflowed || stderrBuffer.Overflowed,
            CpuTimeMs: cpuMs, MemoryKb: usage.PeakKb, LimitExceeded: exceeded,
            StdoutEncoding: stdoutEncoding, StderrEncoding: stderrEncoding, MeasurementNotes: usage.Notes);
    }
}
