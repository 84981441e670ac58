using System.Diagnostics;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Sandbox;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Queue;

/// <summary>
/// Takes one delivered entry to exactly one visible outcome. The policy, named:
/// a malformed entry or a job past its attempts is dead-lettered at once; an infrastructure fault
/// leaves the entry pending for another try after a backoff; a program's own failure is a verdict.
/// </summary>
public sealed class JobProcessor(JobEventLog log, JobStore store, ISandbox sandbox, LanguageCatalog languages,
    IOptions<WorkerOptions> options, IOptions<JobStoreOptions> storeOptions, ILogger<JobProcessor> logger)
{
    private WorkerOptions Options => options.Value;

    public async Task ProcessAsync(QueueEntry entry, CancellationToken abort)
    {
        var id = entry.Field("id");
        if (entry.Fields is null || id is null || id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit))
        {
            await DeadLetterAsync(id ?? entry.EntryId, entry, "malformed_entry", "The stream entry has no valid job id.", 0);
            return;
        }
        if (entry.Field("v") != JobKeys.SchemaVersion)
        {
            await DeadLetterAsync(id, entry, "unknown_schema", $"Schema version '{entry.Field("v")}' is not {JobKeys.SchemaVersion}.", 0);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = id, ["Entry"] = entry.EntryId });
        var parentContext = ActivityContext.TryParse(entry.Field("traceparent"), null, out var parent) ? parent : default;
        var enqueuedAt = EnqueuedAt(entry);
        using var activity = GoxecDiagnostics.Worker.StartActivity("process job", ActivityKind.Consumer, parentContext);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", JobKeys.Stream);
        activity?.SetTag("messaging.consumer.group.name", JobKeys.Group);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.message.id", entry.EntryId);
        activity?.SetTag("goxec.job.id", id);
        activity?.SetTag("goxec.worker", Options.ConsumerName);

        var (outcome, attempts) = await store.StartAsync(id, Options.ConsumerName, CancellationToken.None);
        if (outcome != StartOutcome.Run)
        {
            // Finished already (a redelivery) or expired: acknowledge without running again.
            logger.LogInformation("Job {JobId} is {Outcome}; acknowledging without running", id, outcome);
            await store.CompleteAsync(id, Internal("not run"), entry.EntryId, CancellationToken.None);
            return;
        }
        activity?.SetTag("goxec.job.attempt", attempts);
        RecordQueueWait(parentContext, enqueuedAt, id, attempts);
        if (attempts > Options.MaxDeliveries)
        {
            await DeadLetterAsync(id, entry, "worker_lost",
                $"The job was started {attempts - 1} times and no worker finished it. Last error: {await LastErrorAsync(id) ?? "none"}", attempts - 1);
            return;
        }

        var spec = await store.GetSpecAsync(id, CancellationToken.None);
        var language = languages.Find(spec?.Language);
        if (spec is null || language is null)
        {
            await DeadLetterAsync(id, entry, "unknown_language", $"This worker cannot run language '{spec?.Language}'.", attempts);
            return;
        }
        activity?.SetTag("goxec.language", language.Id);

        try
        {
            SandboxOutcome result;
            await using (var events = await JobEventWriter.BeginAsync(log, id, attempts, Options.ConsumerName, storeOptions.Value.Retention,
                JobEventWriter.Bound(spec), CancellationToken.None, logger))
            {
                result = await sandbox.RunAsync(spec, language, attempts, events, abort);
            } // flushed: the output events precede the result event the store adds
            bool stored;
            using (GoxecDiagnostics.Worker.StartActivity("store result"))
            {
                stored = await store.CompleteAsync(id, new JobResult(result.Verdict, result.Compile, result.Run, result.Message, Options.ConsumerName, attempts),
                    entry.EntryId, CancellationToken.None);
            }
            var verdict = VerdictName(result.Verdict);
            activity?.SetTag("goxec.verdict", verdict);
            if (stored)
            {
                GoxecMetrics.JobsCompleted.Add(1, new("verdict", verdict), new("language", language.Id));
                GoxecMetrics.JobDuration.Record((DateTimeOffset.UtcNow - spec.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("language", language.Id));
            }
            logger.LogInformation("Job {JobId} finished: {Verdict}{Duplicate}", id, result.Verdict, stored ? "" : " (an earlier result stands)");
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "abandoned at shutdown");
            // Shutting down past the grace period: the entry stays pending for another worker.
            await ReleaseAsync(id, entry, attempts, TimeSpan.Zero);
        }
        catch (Exception e) when (e is SandboxException or StackExchange.Redis.RedisConnectionException or TimeoutException or IOException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            // Counted only while this attempt is still the job's current one: after a long network cut the
            // job may be running elsewhere or finished, and this late write must not requeue it.
            if (await store.RecordFailureAsync(id, Options.ConsumerName, attempts, e.Message, CancellationToken.None) is not { } failures)
            {
                logger.LogWarning(e, "Attempt {Attempt} of job {JobId} failed on our side, but another attempt has taken over; leaving the job to it", attempts, id);
                return;
            }
            logger.LogWarning(e, "Attempt {Attempt} of job {JobId} failed on our side ({Failures} of {Max})", attempts, id, failures, Options.MaxAttempts);
            if (failures >= Options.MaxAttempts)
                await DeadLetterAsync(id, entry, "infrastructure_error", e.Message, attempts);
            else
                await ReleaseAsync(id, entry, attempts, Backoff(failures));
        }
    }

    /// <summary>
    /// Leaves the entry pending but makes it look idle long enough that a reclaim picks it up
    /// after <paramref name="after"/> — a retry with backoff that survives this worker dying.
    /// A stale attempt releases nothing (the entry belongs to whoever runs the job now).
    /// </summary>
    private async Task ReleaseAsync(string id, QueueEntry entry, int attempt, TimeSpan after)
    {
        if (!await store.ReleaseAsync(id, entry.EntryId, Options.ConsumerName, attempt, Options.ReclaimIdle - after, CancellationToken.None))
            logger.LogInformation("Not releasing job {JobId}: attempt {Attempt} is no longer its current one", id, attempt);
    }

    private async Task DeadLetterAsync(string id, QueueEntry entry, string reason, string error, int attempts)
    {
        logger.LogWarning("Dead-lettering job {JobId}: {Reason}: {Error}", id, reason, error);
        GoxecMetrics.JobsDeadLettered.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Activity.Current?.SetTag("goxec.dead_letter.reason", reason);
        await store.DeadLetterAsync(id, Internal($"{reason}: {error}", attempts), entry.EntryId, reason, error, CancellationToken.None);
    }

    private Task<string?> LastErrorAsync(string id) => store.GetLastErrorAsync(id, CancellationToken.None);

    private JobResult Internal(string message, int attempts = 0) =>
        new(Verdict.InternalError, null, null, message, Options.ConsumerName, attempts);

    /// <summary>
    /// A span from the entry's creation (its stream id is the enqueue time in ms) to now, a sibling of
    /// "process job"; the histogram counts first attempts only, so retries do not skew the wait.
    /// </summary>
    private static void RecordQueueWait(ActivityContext parent, DateTimeOffset? enqueuedAt, string id, int attempts)
    {
        if (enqueuedAt is not { } start) return;
        using (var wait = GoxecDiagnostics.Worker.StartActivity("queue wait", ActivityKind.Internal, parent, startTime: start))
        {
            wait?.SetTag("goxec.job.id", id);
            wait?.SetTag("goxec.job.attempt", attempts);
        }
        if (attempts == 1) GoxecMetrics.QueueWait.Record(Math.Max(0, (DateTimeOffset.UtcNow - start).TotalSeconds));
    }

    private static DateTimeOffset? EnqueuedAt(QueueEntry entry) =>
        long.TryParse(entry.EntryId.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string VerdictName(Verdict verdict) =>
        System.Text.Json.JsonSerializer.Serialize(verdict, GoxecJsonContext.Default.Verdict).Trim('"');

    private static TimeSpan Backoff(long failures) =>
        TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, failures - 1), 5000) + Random.Shared.Next(250));
}
