namespace Goxec.Jobs;

/// <summary>Every Redis key and group name Goxec uses, in one place.</summary>
public static class JobKeys
{
    public const string Stream = "goxec:jobs";
    public const string Group = "workers";
    public const string DeadLetters = "goxec:jobs:dead";
    /// <summary>Ids of jobs that just reached a terminal state; the Api's waiters follow it.</summary>
    public const string Finished = "goxec:finished";
    /// <summary>Version of the stream entry format; entries with another version are dead-lettered.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Hash of worker name → heartbeat JSON (<see cref="WorkerHeartbeat"/>).</summary>
    public const string Workers = "goxec:workers";
    /// <summary>Hash of language id → version, as the workers' images state it.</summary>
    public const string LanguageVersions = "goxec:languages:versions";
    /// <summary>Hash of verdict → count of finished jobs.</summary>
    public const string VerdictCounts = "goxec:stats:verdicts";

    public static string Job(string id) => $"goxec:job:{id}";

    /// <summary>Idempotency keys are hashed, so any header value makes a safe, bounded key.</summary>
    public static string Idempotency(string key) =>
        "goxec:idem:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    /// <summary>Completed-job counts per 10-second bucket (for throughput charts); expires after an hour.</summary>
    public static string ThroughputBucket(long unixSeconds) => $"goxec:stats:t:{unixSeconds / 10 * 10}";

    /// <summary>End-to-end times (ms) of the jobs finished in a 10-second bucket, newest 1000 kept; expires after an hour.</summary>
    public static string LatencyBucket(long unixSeconds) => $"goxec:stats:l:{unixSeconds / 10 * 10}";
}
