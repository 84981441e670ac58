using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// Every Redis key, group and channel Goxec uses, in one place: nothing outside this folder names one.
/// The Lua scripts take their keys as KEYS or, where a script must build one, from the prefixes here.
/// </summary>
public static class JobKeys
{
    public const string Stream = "goxec:jobs";
    public const string Group = "workers";
    public const string DeadLetters = "goxec:jobs:dead";
    /// <summary>Ids of jobs that just reached a terminal state; the Api's waiters and webhooks follow it.</summary>
    public const string Finished = "goxec:finished";
    /// <summary>The Api replicas' consumer group on <see cref="Finished"/>: each finish is delivered by one replica.</summary>
    public const string WebhookGroup = "webhooks";
    /// <summary>Version of the stream entry format; entries with another version are dead-lettered. The scripts get it from here.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Hash of worker name → heartbeat JSON (<see cref="WorkerHeartbeat"/>).</summary>
    public const string Workers = "goxec:workers";
    /// <summary>Hash of language id → version, as the workers' images state it.</summary>
    public const string LanguageVersions = "goxec:languages:versions";
    /// <summary>Hash of verdict → count of finished jobs.</summary>
    public const string VerdictCounts = "goxec:stats:verdicts";
    /// <summary>The id of this deployment (one per Redis): containers carry it, reapers look only at their own.</summary>
    public const string Cluster = "goxec:cluster";
    /// <summary>Hash of SHA-256(API key) → the key's record. The key itself is never stored.</summary>
    public const string ApiKeys = "goxec:apikeys";

    /// <summary>Prefix of the job hashes; the slot script reads jobs by id with it.</summary>
    public const string JobPrefix = "goxec:job:";

    public static string Job(string id) => JobPrefix + id;

    /// <summary>Idempotency keys are hashed, so any header value makes a safe, bounded key.</summary>
    public static string Idempotency(string key) => "goxec:idem:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A caller's token bucket (rate limit), shared by every Api replica.</summary>
    public static string RateLimit(string bucket) => "goxec:ratelimit:" + bucket;

    /// <summary>A caller's sorted set of unfinished job ids (its cap on concurrent jobs).</summary>
    public static string Slots(string bucket) => "goxec:active:" + bucket;

    /// <summary>Completed-job counts per 10-second bucket (for throughput charts); expires after an hour.</summary>
    public static string ThroughputBucket(long unixSeconds) => $"goxec:stats:t:{unixSeconds / 10 * 10}";

    /// <summary>End-to-end times (ms) of the jobs finished in a 10-second bucket, newest 1000 kept; expires after an hour.</summary>
    public static string LatencyBucket(long unixSeconds) => $"goxec:stats:l:{unixSeconds / 10 * 10}";

    /// <summary>A job's events stream (status, output, exits, result); see <see cref="JobEvents"/>.</summary>
    public static string Events(string jobId) => $"goxec:job:{jobId}:events";

    /// <summary>Interactive input for a running job (<c>stdin</c>, <c>eof</c>, <c>signal</c> entries).</summary>
    public static string Stdin(string jobId) => $"goxec:job:{jobId}:stdin";

    /// <summary>
    /// Pub/sub wake-ups ("look again"), published by the scripts that write what a reader waits for. They carry no
    /// data and may be lost (a reconnect): readers read the stream itself, and look again now and then regardless.
    /// </summary>
    public static class Nudge
    {
        /// <summary>A job was queued: idle workers read the work stream.</summary>
        public static readonly RedisChannel Queued = RedisChannel.Literal("goxec:nudge:jobs");
        /// <summary>A job finished: the waiters and the webhook dispatcher read <see cref="Finished"/>.</summary>
        public static readonly RedisChannel Finished = RedisChannel.Literal("goxec:nudge:finished");

        /// <summary>The job's events stream grew: its live-output readers read it.</summary>
        public static RedisChannel Events(string jobId) => RedisChannel.Literal(EventsName(jobId));

        /// <summary>The job's stdin stream grew: the worker running it reads it.</summary>
        public static RedisChannel Stdin(string jobId) => RedisChannel.Literal($"goxec:nudge:job:{jobId}:stdin");

        internal static string EventsName(string jobId) => $"goxec:nudge:job:{jobId}:events";
    }
}
