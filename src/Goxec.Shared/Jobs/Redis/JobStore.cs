using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>Stores jobs and their outcomes in Redis. Shared by the Api (submit, read) and the worker (start, finish).</summary>
public sealed class JobStore(IConnectionMultiplexer redis, IOptions<JobStoreOptions> options, TimeProvider clock)
{
    private JobStoreOptions Options => options.Value;
    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Stores the job and queues it in one atomic step. With an idempotency key seen before (within the
    /// retention window), nothing is stored and the earlier job's id comes back instead.
    /// </summary>
    public Task<Enqueued> EnqueueAsync(JobSpec spec, string? traceParent, string? idempotencyKey, CancellationToken ct) =>
        EnqueueAsync(spec, traceParent, idempotencyKey, cap: null, rate: null, ct);

    /// <summary>
    /// As above, and within the same round trip takes a token from the caller's bucket (<paramref name="rate"/>;
    /// refused: <see cref="Enqueued.Limited"/>, nothing stored) and a slot under the caller's cap on unfinished
    /// jobs (<paramref name="cap"/>; full: <see cref="Enqueued.Refused"/>, nothing stored). A repeat of an earlier
    /// idempotency key takes no slot.
    /// </summary>
    public async Task<Enqueued> EnqueueAsync(JobSpec spec, string? traceParent, string? idempotencyKey, SlotCap? cap, RateCap? rate, CancellationToken ct)
    {
        var specJson = JsonSerializer.Serialize(spec, GoxecJsonContext.Default.JobSpec);
        var ttl = (long)Options.Retention.TotalSeconds;
        var reply = (RedisResult[])(await JobScripts.Enqueue.EvaluateAsync(Db,
            [JobKeys.Job(spec.Id), JobKeys.Stream, idempotencyKey is null ? "" : JobKeys.Idempotency(idempotencyKey),
             cap is null ? "" : JobKeys.Slots(cap.Bucket), rate is null ? "" : JobKeys.RateLimit(rate.Bucket)],
            [ttl, spec.Id, traceParent ?? "", cap?.MaxUnfinished ?? 0, rate?.PerSecond ?? 0, rate?.Burst ?? 0,
             "id", spec.Id, "language", spec.Language, "status", "queued", "attempts", 0,
             "createdAt", spec.CreatedAt.ToUnixTimeMilliseconds(), "spec", specJson], ct))!;
        var tokens = rate is null ? null : TokenDecision.From(reply.AsSpan(3));
        return (string?)reply[0] switch
        {
            "new" => new Enqueued(spec.Id, IsNew: true, Tokens: tokens),
            "repeat" => new Enqueued((string)reply[1]!, IsNew: false, Tokens: tokens),
            "capped" => new Enqueued("", IsNew: false, Refused: true, Unfinished: (long)reply[2], Tokens: tokens),
            _ => new Enqueued("", IsNew: false, Limited: true, Tokens: tokens),
        };
    }

    /// <summary>Queues a dead-lettered job again as new. False when the job is gone or not dead-lettered.</summary>
    public async Task<bool> RetryDeadLetterAsync(string id, string deadLetterEntryId, string? traceParent, CancellationToken ct) =>
        ((string?)await JobScripts.Retry.EvaluateAsync(Db, [JobKeys.Job(id), JobKeys.Stream, JobKeys.DeadLetters],
            [deadLetterEntryId, traceParent ?? ""], ct)) is { Length: > 0 };

    public async Task<JobView?> GetAsync(string id, CancellationToken ct)
    {
        var fields = await Db.HashGetAllAsync(JobKeys.Job(id)).WaitAsync(ct);
        return fields.Length == 0 ? null : ToView(id, fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString()));
    }

    /// <summary>The status of each job (null for one gone), in one round trip.</summary>
    public async Task<string?[]> GetStatusesAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(JobKeys.Job(id), "status")).ToArray();
        batch.Execute();
        return [.. (await Task.WhenAll(reads).WaitAsync(ct)).Select(v => (string?)v)];
    }

    public async Task<JobSpec?> GetSpecAsync(string id, CancellationToken ct)
    {
        var json = (string?)await Db.HashGetAsync(JobKeys.Job(id), "spec").WaitAsync(ct);
        return json is null ? null : JsonSerializer.Deserialize(json, GoxecJsonContext.Default.JobSpec);
    }

    /// <summary>What the last failed attempt of a job said, if any.</summary>
    public async Task<string?> GetLastErrorAsync(string id, CancellationToken ct) =>
        (string?)await Db.HashGetAsync(JobKeys.Job(id), "lastError").WaitAsync(ct);

    /// <summary>Marks the job running and counts the attempt, unless it is already finished or gone.</summary>
    public async Task<(StartOutcome Outcome, int Attempts)> StartAsync(string id, string worker, CancellationToken ct)
    {
        var reply = (RedisResult[])(await JobScripts.Start.EvaluateAsync(Db, [JobKeys.Job(id)], [worker, Now()], ct))!;
        var outcome = (string?)reply[0] switch
        {
            "run" => StartOutcome.Run,
            "done" => StartOutcome.AlreadyFinished,
            _ => StartOutcome.Gone,
        };
        return (outcome, (int)reply[1]);
    }

    /// <summary>
    /// Counts a failed attempt and requeues the job, if <paramref name="attempt"/> by <paramref name="worker"/>
    /// is still the job's current attempt. Returns the failures so far, or null for a stale attempt.
    /// </summary>
    public async Task<long?> RecordFailureAsync(string id, string worker, int attempt, string error, CancellationToken ct)
    {
        var failures = (long)await JobScripts.RecordFailure.EvaluateAsync(Db, [JobKeys.Job(id)], [worker, attempt, error], ct);
        return failures < 0 ? null : failures;
    }

    /// <summary>
    /// Leaves the entry pending, idle for <paramref name="idle"/> already, for a reclaim to retry it; false
    /// (and nothing done) when the attempt is no longer the job's current one.
    /// </summary>
    public async Task<bool> ReleaseAsync(string id, string entryId, string worker, int attempt, TimeSpan idle, CancellationToken ct) =>
        (long)await JobScripts.Release.EvaluateAsync(Db, [JobKeys.Job(id), JobKeys.Stream],
            [JobKeys.Group, worker, entryId, (long)Math.Max(0, idle.TotalMilliseconds), attempt], ct) == 1;

    /// <summary>Keeps <paramref name="worker"/>'s claims fresh on the entries whose jobs it still runs; returns how many.</summary>
    public async Task<long> KeepClaimsAsync(string worker, IReadOnlyCollection<KeyValuePair<string, string>> jobByEntry, CancellationToken ct)
    {
        if (jobByEntry.Count == 0) return 0;
        RedisKey[] keys = [JobKeys.Stream, .. jobByEntry.Select(p => (RedisKey)JobKeys.Job(p.Value))];
        RedisValue[] args = [JobKeys.Group, worker, .. jobByEntry.Select(p => (RedisValue)p.Key)];
        return (long)await JobScripts.KeepClaims.EvaluateAsync(Db, keys, args, ct);
    }

    /// <summary>Stores the result if it is the first, and acknowledges the entry. True when this result won.</summary>
    public Task<bool> CompleteAsync(string id, JobResult result, string? entryId, CancellationToken ct) =>
        FinishAsync(id, JobStatus.Completed, result, entryId, deadLetterReason: null, error: null, ct);

    /// <summary>Moves the job to the dead letters with a reason, and acknowledges the entry.</summary>
    public Task<bool> DeadLetterAsync(string id, JobResult result, string? entryId, string reason, string error, CancellationToken ct) =>
        FinishAsync(id, JobStatus.DeadLettered, result, entryId, reason, error, ct);

    private async Task<bool> FinishAsync(string id, JobStatus status, JobResult result, string? entryId,
        string? deadLetterReason, string? error, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var reply = await JobScripts.Finish.EvaluateAsync(Db,
            [JobKeys.Job(id), JobKeys.Finished, JobKeys.Stream, JobKeys.DeadLetters,
             JobKeys.VerdictCounts, JobKeys.ThroughputBucket(now), JobKeys.Events(id), JobKeys.LatencyBucket(now)],
            [status == JobStatus.Completed ? "completed" : "dead_lettered",
             JsonSerializer.Serialize(result, GoxecJsonContext.Default.JobResult),
             Now(), id, entryId ?? "", JobKeys.Group, Options.SideStreamMaxLength, deadLetterReason ?? "", error ?? "",
             status == JobStatus.Completed ? VerdictName(result.Verdict) : "dead_lettered",
             ResultEvent(status, result.Verdict), JobKeys.Nudge.EventsName(id)], ct);
        return (long)reply == 1;
    }

    private static string ResultEvent(JobStatus status, Verdict verdict) =>
        "{\"status\":\"" + (status == JobStatus.Completed ? "completed" : "dead_lettered") + "\",\"verdict\":\"" + VerdictName(verdict) + "\"}";

    private static string VerdictName(Verdict verdict) =>
        JsonSerializer.Serialize(verdict, GoxecJsonContext.Default.Verdict).Trim('"');

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static JobView ToView(string id, Dictionary<string, string> f)
    {
        string? Text(string name) => f.GetValueOrDefault(name);
        DateTimeOffset? Time(string name) =>
            long.TryParse(Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

        var result = Text("result") is { } json ? JsonSerializer.Deserialize(json, GoxecJsonContext.Default.JobResult) : null;
        var status = Text("status") switch
        {
            "running" => JobStatus.Running,
            "completed" => JobStatus.Completed,
            "dead_lettered" => JobStatus.DeadLettered,
            _ => JobStatus.Queued,
        };
        // What was run comes back too, so a shared link shows the program beside its result. The
        // entry point is the first file (the validator puts it there).
        var spec = Text("spec") is { } specJson ? JsonSerializer.Deserialize(specJson, GoxecJsonContext.Default.JobSpec) : null;
        return new JobView(id, Text("language") ?? "", status, result?.Verdict, result?.Compile, result?.Run, result?.Message,
            int.TryParse(Text("attempts"), CultureInfo.InvariantCulture, out var attempts) ? attempts : 0,
            Text("worker"), Time("createdAt") ?? DateTimeOffset.UnixEpoch, Time("startedAt"), Time("finishedAt"),
            spec?.Files.FirstOrDefault()?.Content, spec?.Files, spec?.Stdin, spec?.Args);
    }
}

public enum StartOutcome { Run, AlreadyFinished, Gone }

/// <summary>
/// The job a submission stands for: new, or an earlier one with the same idempotency key. Nothing was stored when
/// <see cref="Refused"/> (the caller's cap on unfinished jobs left no slot) or <see cref="Limited"/> (its token
/// bucket was empty). <see cref="Tokens"/> is the bucket's answer when one was asked.
/// </summary>
public sealed record Enqueued(string Id, bool IsNew, bool Refused = false, long Unfinished = 0, bool Limited = false, TokenDecision? Tokens = null);

/// <summary>A caller's cap on unfinished jobs: its bucket name (see <see cref="JobKeys.Slots"/>) and the most it may have at once.</summary>
public sealed record SlotCap(string Bucket, long MaxUnfinished);

/// <summary>A caller's rate limit: its bucket name (see <see cref="JobKeys.RateLimit"/>), tokens per second and burst.</summary>
public sealed record RateCap(string Bucket, double PerSecond, int Burst);
