using System.Runtime.CompilerServices;
using System.Text.Json;
using Goxec.Jobs;

namespace Goxec.Api.Streaming;

/// <summary>
/// Follows a job's events stream from Redis — so any Api replica can serve any job — replaying
/// from the start (or after a given seq) and then live, until the result. A retried job's new
/// attempt announces itself with a "running" status carrying its attempt number. Reads never block:
/// between them the reader waits for the writer's nudge (<see cref="Nudges"/>), so a subscriber costs
/// a pub/sub handler, not a Redis connection.
/// </summary>
internal sealed class JobEventReader(JobEventLog log, JobStore store, Nudges nudges)
{
    /// <summary>With no nudge for this long, the job's state is read: it may have ended with no result event in reach.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);
    private const int Batch = 256;

    public async IAsyncEnumerable<StreamMessage> ReadAsync(string id, long? after, [EnumeratorCancellation] CancellationToken ct)
    {
        // Listening before the first read: an event written between that read and the wait still wakes it.
        await using var nudge = await nudges.ListenAsync(JobKeys.Nudge.Events(id));
        var job = await store.GetAsync(id, ct);
        if (job is null) yield break;
        string last;
        if (after is { } seq)
        {
            last = JobEvents.EntryId(seq);
        }
        else
        {
            yield return Status(id, job);
            // The current attempt's events from its first (id A-0): start just below it.
            last = job.Attempts > 0 ? $"{job.Attempts - 1}-{ulong.MaxValue}" : "0-0";
        }

        while (true)
        {
            var events = await log.ReadAsync(id, last, Batch, ct);
            foreach (var e in events)
            {
                last = e.Id;
                if (e.Type == JobEvents.Result)
                {
                    yield return await ResultAsync(id, JobEvents.Seq(last), ct);
                    yield break;
                }
                yield return e.Type is JobEvents.Stdout or JobEvents.Stderr
                    ? StreamMessage.Text(e.Type, JobEvents.Seq(last), e.Data)
                    : StreamMessage.Json(e.Type, JobEvents.Seq(last), e.Data);
            }
            if (events.Count == Batch || await nudge.WaitAsync(Quiet, ct)) continue;

            // Quiet: the job may have ended with no result event in reach (an expired stream, say).
            job = await store.GetAsync(id, ct);
            if (job is null) yield break;
            if (job.Status is JobStatus.Completed or JobStatus.DeadLettered)
            {
                yield return await ResultAsync(id, null, ct);
                yield break;
            }
        }
    }

    private async Task<StreamMessage> ResultAsync(string id, long? seq, CancellationToken ct)
    {
        var job = await store.GetAsync(id, ct);
        return StreamMessage.Json(JobEvents.Result, seq, JsonSerializer.Serialize(job, GoxecJsonContext.Default.JobView!));
    }

    private static StreamMessage Status(string id, JobView job) =>
        StreamMessage.Json(JobEvents.Status, null,
            JsonSerializer.Serialize(new JobAccepted(id, job.Status), GoxecJsonContext.Default.JobAccepted));
}
