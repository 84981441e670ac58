using System.Runtime.CompilerServices;
using System.Text.Json;
using Goxec.Jobs;
using Goxec.Redis;

namespace Goxec.Api.Streaming;

/// <summary>
/// Follows a job's events stream from Redis — so any Api replica can serve any job — replaying
/// from the start (or after a given seq) and then live, until the result. A retried job's new
/// attempt announces itself with a "running" status carrying its attempt number.
/// </summary>
internal sealed class JobEventReader(IRedisClient redis, JobStore store)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    public async IAsyncEnumerable<StreamMessage> ReadAsync(string id, long? after, [EnumeratorCancellation] CancellationToken ct)
    {
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
            var reply = await redis.ExecuteBlockingAsync(new RedisCommand("XREAD", "COUNT", 256, "BLOCK", (long)Quiet.TotalMilliseconds,
                "STREAMS", JobEvents.Key(id), last), ct);
            var any = false;
            foreach (var (_, entries) in StreamReplies.PerStream(reply))
            foreach (var entry in entries.AsArray())
            {
                any = true;
                var parts = entry.AsArray();
                last = parts[0].AsString()!;
                var fields = parts[1].AsMap();
                var type = fields["type"].AsString()!;
                var data = fields["data"].AsString()!;

                if (type == JobEvents.Result)
                {
                    yield return await ResultAsync(id, JobEvents.Seq(last), ct);
                    yield break;
                }
                yield return type is JobEvents.Stdout or JobEvents.Stderr
                    ? StreamMessage.Text(type, JobEvents.Seq(last), data)
                    : StreamMessage.Json(type, JobEvents.Seq(last), data);
            }
            if (any) continue;

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
