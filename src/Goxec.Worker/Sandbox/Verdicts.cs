using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>Turns what a stage did into the user's verdict. Only the program's own behaviour gets here; our faults are exceptions.</summary>
public static class Verdicts
{
    public static (Verdict Verdict, string? Message) OfRun(StageResult run, StageLimits limits, string? expectedOutput) => run switch
    {
        { LimitExceeded: StageLimit.Cpu } => (Verdict.TimeLimitExceeded, $"CPU time limit exceeded ({limits.CpuTimeMs} ms)."),
        { LimitExceeded: StageLimit.Wall } => (Verdict.TimeLimitExceeded, $"Wall time limit exceeded ({limits.WallTimeMs} ms)."),
        { LimitExceeded: StageLimit.Memory } => (Verdict.MemoryLimitExceeded, $"Memory limit exceeded ({limits.MemoryMb} MB)."),
        { LimitExceeded: StageLimit.Output } or { OutputTruncated: true } => (Verdict.OutputLimitExceeded, $"Output limit exceeded ({limits.MaxOutputBytes} bytes per stream)."),
        { ExitCode: 0 } when expectedOutput is not null && !SameOutput(run, expectedOutput) => (Verdict.WrongAnswer, null),
        { ExitCode: 0 } => (Verdict.Accepted, null),
        { Signal: { } signal } => (Verdict.RuntimeError, $"The program was ended by {signal}."),
        _ => (Verdict.RuntimeError, $"The program exited with code {run.ExitCode}."),
    };

    /// <summary>A failed compile is the program's fault, whatever stopped it; the message says which limit, if any.</summary>
    public static string? OfCompile(StageResult compile, StageLimits limits) => compile.LimitExceeded switch
    {
        StageLimit.Cpu => $"Compilation exceeded its CPU time limit ({limits.CpuTimeMs} ms).",
        StageLimit.Wall => $"Compilation exceeded its wall time limit ({limits.WallTimeMs} ms).",
        StageLimit.Memory => $"Compilation exceeded its memory limit ({limits.MemoryMb} MB).",
        StageLimit.Output => $"The compiler's output exceeded {limits.MaxOutputBytes} bytes.",
        _ => null,
    };

    /// <summary>Equal ignoring trailing whitespace on each line and trailing blank lines (the usual judge rule).</summary>
    public static bool SameOutput(StageResult run, string expected) =>
        run.StdoutEncoding == StageResult.Utf8 && Normalize(run.Stdout).SequenceEqual(Normalize(expected));

    private static List<string> Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}
