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

    /// <summary>The longest a <c>?wait=true</c> request is held before it answers 202.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);
}
