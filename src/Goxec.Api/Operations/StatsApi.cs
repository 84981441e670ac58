using System.Text.Json;
using Goxec.Jobs;
using Goxec.Redis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>GET /api/v1/stats</c>: the queue, its consumers, live workers, dead letters, throughput and verdicts.</summary>
internal static class StatsApi
{
    private const int ThroughputBuckets = 30; // 5 minutes of 10-second buckets

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats", GetAsync).RequireOperatorView(app).WithTags("Operations");
        return app;
    }

    public static async Task<Ok<Stats>> GetAsync(IRedisClient redis, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var buckets = Enumerable.Range(0, ThroughputBuckets).Select(i => now.ToUnixTimeSeconds() / 10 * 10 - i * 10).Reverse().ToArray();
        var replies = await redis.ExecuteBatchAsync(
        [
            new RedisCommand("XLEN", JobKeys.Stream),
            new RedisCommand("XINFO", "GROUPS", JobKeys.Stream),
            new RedisCommand("XINFO", "CONSUMERS", JobKeys.Stream, JobKeys.Group),
            new RedisCommand("XLEN", JobKeys.DeadLetters),
            new RedisCommand("HGETALL", JobKeys.Workers),
            new RedisCommand("HGETALL", JobKeys.VerdictCounts),
            .. buckets.Select(b => new RedisCommand("HGET", JobKeys.ThroughputBucket(b), "completed")),
            .. buckets.Select(b => new RedisCommand("LRANGE", JobKeys.LatencyBucket(b), 0, -1)),
        ], ct);

        // Before the first job the stream and group do not exist yet: those replies are errors, read as empty.
        IReadOnlyList<RespValue> ListOrEmpty(RespValue v) => v.IsError ? [] : v.AsArray();
        var group = ListOrEmpty(replies[1]).Select(g => g.AsMap()).FirstOrDefault(g => g["name"].AsString() == JobKeys.Group);
        var consumers = ListOrEmpty(replies[2]).Select(c => c.AsMap())
            .Select(c => new ConsumerStats(c["name"].AsString()!, c["pending"].AsInt64(), c["idle"].AsInt64()))
            .ToList();
        var workers = replies[4].AsMap().Values
            .Select(v => JsonSerializer.Deserialize(v.AsString()!, GoxecJsonContext.Default.WorkerHeartbeat)!)
            .Select(b => new WorkerStats(b.Name, b.LastHeartbeat, b.Running, b.Healthy && b.IsAlive(now), b.IsAlive(now), b.Concurrency))
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToList();

        return TypedResults.Ok(new Stats(
            new QueueStats(replies[0].IsError ? 0 : replies[0].AsInt64(),
                group is not null && group.TryGetValue("lag", out var lag) && !lag.IsNull ? lag.AsInt64() : 0,
                group?["pending"].AsInt64() ?? 0),
            consumers,
            workers,
            new DeadLetterStats(replies[3].AsInt64()),
            [.. buckets.Select((b, i) => Point(b, replies[6 + i], replies[6 + buckets.Length + i]))],
            replies[5].AsMap().ToDictionary(kv => kv.Key, kv => kv.Value.AsInt64())));
    }

    internal sealed record Stats(QueueStats Queue, IReadOnlyList<ConsumerStats> Consumers, IReadOnlyList<WorkerStats> Workers,
        DeadLetterStats DeadLetters, IReadOnlyList<ThroughputPoint> Throughput, IReadOnlyDictionary<string, long> Verdicts);
    internal sealed record QueueStats(long Length, long Lag, long Pending);
    internal sealed record ConsumerStats(string Name, long Pending, long IdleMs);
    internal sealed record WorkerStats(string Name, DateTimeOffset LastHeartbeat, IReadOnlyList<string> Running, bool Healthy, bool Alive, int Concurrency);
    internal sealed record DeadLetterStats(long Count);
    internal sealed record ThroughputPoint(long T, long Completed, long? P50Ms, long? P95Ms);

    /// <summary>One bucket: jobs completed, and the median and 95th percentile of their end-to-end times.</summary>
    private static ThroughputPoint Point(long bucket, RespValue completed, RespValue latencies)
    {
        var times = latencies.AsArray().Select(l => l.AsInt64()).Order().ToArray();
        long? Percentile(double p) => times.Length == 0 ? null : times[(int)Math.Ceiling(p * times.Length) - 1];
        return new ThroughputPoint(bucket * 1000, completed.IsNull ? 0 : completed.AsInt64(), Percentile(0.50), Percentile(0.95));
    }
}
