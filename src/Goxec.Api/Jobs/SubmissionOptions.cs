using Goxec.Jobs;

namespace Goxec.Api.Jobs;

/// <summary>Caps on what a submission may carry. Strict by default; operators may raise them.</summary>
public sealed class SubmissionOptions
{
    public const string Section = "Submission";

    public int MaxSourceBytes { get; set; } = 256 * 1024;
    public int MaxStdinBytes { get; set; } = 1024 * 1024;
    public int MaxFiles { get; set; } = 20;
    public int MaxArgs { get; set; } = 64;
    public int MaxArgLength { get; set; } = 4096;
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;
    public int MaxExpectedOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>What a job gets for <c>limits</c> fields it leaves out, and the most it may ask for.</summary>
    public StageLimits RunDefaults { get; set; } = StageLimits.RunDefaults;
    public StageLimits RunMaxima { get; set; } = StageLimits.RunMaxima;

    /// <summary>The same for <c>compileLimits</c> (compiled languages only).</summary>
    public StageLimits CompileDefaults { get; set; } = StageLimits.CompileDefaults;
    public StageLimits CompileMaxima { get; set; } = StageLimits.CompileMaxima;

    /// <summary>Defaults above maxima would make a plain request fail; checked at start.</summary>
    public bool LimitsAreConsistent() =>
        Consistent(RunDefaults, RunMaxima) && Consistent(CompileDefaults, CompileMaxima);

    private static bool Consistent(StageLimits defaults, StageLimits maxima) =>
        defaults.Fields().Zip(maxima.Fields()).All(p => p.First.Value >= 1 && p.First.Value <= p.Second.Value);

    /// <summary>The longest a <c>?wait=true</c> request is held before it answers 202.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);
}
