namespace Goxec.Jobs;

public sealed class JobStoreOptions
{
    public const string Section = "Jobs";

    /// <summary>How long a job and its result stay readable after submission.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Approximate cap on the finished-notification and dead-letter streams.</summary>
    public int SideStreamMaxLength { get; set; } = 10_000;
}
