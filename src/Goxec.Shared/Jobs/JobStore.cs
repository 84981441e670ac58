using System.Globalization;
using System.Text.Json;
using Goxec.Redis;
using Microsoft.Extensions.Options;

namespace Goxec.Jobs;

/// <summary>Stores jobs and their outcomes in Redis. Shared by the Api (submit, read) and the worker (start, finish).</summary>
public sealed class JobStore(IRedisClient redis, IOptions<JobStoreOptions> options, TimeProvider clock)
{
    private JobStoreOptions Options => options.Value;

    /// <summary>
    /// Stores the job and queues it in one atomic step. With an idempotency key seen before (within the
    /// retention window), nothing is stored and the earlier job's id comes back instead.
    /// </summary>
    public Task<Enqueued> EnqueueAsync(JobSpec spec, string? traceParent, string? idempotencyKey, CancellationToken ct) =>
        EnqueueAsync(spec, traceParent, idempotencyKey, cap: null, ct);

    /// <summary>
    /// As above, and within the same step takes a slot under the caller's cap on unfinished jobs (see
    /// <see cref="JobScripts.ReserveFunction"/>); when the cap is full nothing is stored and
    /// <see cref="Enqueued.Refused"/> is set. A repeat of an earlier idempotency key takes no slot.
    /// </summary>
    public async Task<Enqueued> EnqueueAsync(JobSpec spec, string? traceParent, string? idempotencyKey, SlotCap? cap, CancellationToken ct)
    {
        var specJson = JsonSerializer.Serialize(spec, GoxecJsonContext.Default.JobSpec);
        var reply = (await JobScripts.Enqueue.EvaluateAsync(redis,
            [JobKeys.Job(spec.Id), JobKeys.Stream, idempotencyKey is null ? "" : JobKeys.Idempotency(idempotencyKey), cap?.Key ?? ""],
            [(long)Options.Retention.TotalSeconds, spec.Id, JobKeys.SchemaVersion, traceParent ?? "",
             cap?.MaxUnfinished ?? 0, (long)Options.Retention.TotalSeconds,
             "id", spec.Id, "language", spec.Language, "status", "queued", "attempts", 0,
             "createdAt", spec.CreatedAt.ToUnixTimeMilliseconds(), "spec", specJson, "owner", spec.Owner ?? ""], ct)).AsArray();
        var id = reply[0].AsString()!;
        return id.Length == 0
            ? new Enqueued("", IsNew: false, Refused: true, Unfinished: reply[2].AsInt64())
            : new Enqueued(id, IsNew: id == spec.Id);
    }

    /// <summary>Queues a dead-lettered job again as new. False when the job is gone or not dead-lettered.</summary>
    public async Task<bool> RetryDeadLetterAsync(string id, string deadLetterEntryId, string? traceParent, CancellationToken ct)
    {
        var reply = await JobScripts.Retry.EvaluateAsync(redis, [JobKeys.Job(id), JobKeys.Stream, JobKeys.DeadLetters],
            [deadLetterEntryId, traceParent ?? ""], ct);
        return !reply.IsNull && reply.Type != RespType.Boolean;
    }

    public async Task<JobView?> GetAsync(string id, CancellationToken ct)
    {
        var reply = await redis.ExecuteAsync(new RedisCommand("HGETALL", JobKeys.Job(id)), ct);
        var fields = reply.AsMap();
        return fields.Count == 0 ? null : ToView(id, fields);
    }

    public async Task<JobSpec?> GetSpecAsync(string id, CancellationToken ct)
    {
        var json = (await redis.ExecuteAsync(new RedisCommand("HGET", JobKeys.Job(id), "spec"), ct)).AsString();
        return json is null ? null : JsonSerializer.Deserialize(json, GoxecJsonContext.Default.JobSpec);
    }

    /// <summary>Marks the job running and counts the attempt, unless it is already finished or gone.</summary>
    public async Task<(StartOutcome Outcome, int Attempts)> StartAsync(string id, string worker, CancellationToken ct)
    {
        var reply = (await JobScripts.Start.EvaluateAsync(redis, [JobKeys.Job(id)], [worker, Now()], ct)).AsArray();
        var outcome = reply[0].AsString() switch
        {
            "run" => StartOutcome.Run,
            "done" => StartOutcome.AlreadyFinished,
            _ => StartOutcome.Gone,
        };
        return (outcome, (int)reply[1].AsInt64());
    }

    /// <summary>
    /// Counts a failed attempt and requeues the job, if <paramref name="attempt"/> by <paramref name="worker"/>
    /// is still the job's current attempt. Returns the failures so far, or null for a stale attempt.
    /// </summary>
    public async Task<long?> RecordFailureAsync(string id, string worker, int attempt, string error, CancellationToken ct)
    {
        var failures = (await JobScripts.RecordFailure.EvaluateAsync(redis, [JobKeys.Job(id)], [worker, attempt, error], ct)).AsInt64();
        return failures < 0 ? null : failures;
    }

    /// <summary>
    /// Leaves the entry pending, idle for <paramref name="idle"/> already, for a reclaim to retry it; false
    /// (and nothing done) when the attempt is no longer the job's current one.
    /// </summary>
    public async Task<bool> ReleaseAsync(string id, string entryId, string worker, int attempt, TimeSpan idle, CancellationToken ct) =>
        (await JobScripts.Release.EvaluateAsync(redis, [JobKeys.Job(id), JobKeys.Stream],
            [JobKeys.Group, worker, entryId, (long)Math.Max(0, idle.TotalMilliseconds), attempt], ct)).AsInt64() == 1;

    /// <summary>Keeps <paramref name="worker"/>'s claims fresh on the entries whose jobs it still runs; returns how many.</summary>
    public async Task<long> KeepClaimsAsync(string worker, IReadOnlyCollection<KeyValuePair<string, string>> jobByEntry, CancellationToken ct)
    {
        if (jobByEntry.Count == 0) return 0;
        RedisArg[] keys = [JobKeys.Stream, .. jobByEntry.Select(p => (RedisArg)JobKeys.Job(p.Value))];
        RedisArg[] args = [JobKeys.Group, worker, .. jobByEntry.Select(p => (RedisArg)p.Key)];
        return (await JobScripts.KeepClaims.EvaluateAsync(redis, keys, args, ct)).AsInt64();
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
        var reply = await JobScripts.Finish.EvaluateAsync(redis,
            [JobKeys.Job(id), JobKeys.Finished, JobKeys.Stream, JobKeys.DeadLetters,
             JobKeys.VerdictCounts, JobKeys.ThroughputBucket(clock.GetUtcNow().ToUnixTimeSeconds()), JobEvents.Key(id),
             JobKeys.LatencyBucket(clock.GetUtcNow().ToUnixTimeSeconds())],
            [status == JobStatus.Completed ? "completed" : "dead_lettered",
             JsonSerializer.Serialize(result, GoxecJsonContext.Default.JobResult),
             Now(), id, entryId ?? "", JobKeys.Group, Options.SideStreamMaxLength, deadLetterReason ?? "", error ?? "",
             status == JobStatus.Completed ? VerdictName(result.Verdict) : "dead_lettered",
             ResultEvent(status, result.Verdict)], ct);
        return reply.AsInt64() == 1;
    }

    private static string ResultEvent(JobStatus status, Verdict verdict) =>
        "{\"status\":\"" + (status == JobStatus.Completed ? "completed" : "dead_lettered") + "\",\"verdict\":\"" + VerdictName(verdict) + "\"}";

    private static string VerdictName(Verdict verdict) =>
        JsonSerializer.Serialize(verdict, GoxecJsonContext.Default.Verdict).Trim('"');

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static JobView ToView(string id, IReadOnlyDictionary<string, RespValue> f)
    {
        string? Text(string name) => f.TryGetValue(name, out var v) ? v.AsString() : null;
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
            spec?.Files.FirstOrDefault()?.Content, spec?.Files, spec?.Stdin, spec?.Args) { Owner = Text("owner") };
    }
}

public enum StartOutcome { Run, AlreadyFinished, Gone }

/// <summary>The job that stands for a submission: new, or an earlier one with the same idempotency key.</summary>
/// <summary>The job a submission stands for; <see cref="Refused"/> when the caller's cap left no slot (then nothing was stored).</summary>
public sealed record Enqueued(string Id, bool IsNew, bool Refused = false, long Unfinished = 0);

/// <summary>A caller's cap on unfinished jobs: its sorted set of job ids and the most it may have at once.</summary>
public sealed record SlotCap(string Key, long MaxUnfinished);
