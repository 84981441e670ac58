using Goxec.Jobs;
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

    public static async Task<Ok<Stats>> GetAsync(ClusterStore cluster, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var buckets = Enumerable.Range(0, ThroughputBuckets).Select(i => now.ToUnixTimeSeconds() / 10 * 10 - i * 10).Reverse().ToArray();
        var s = await cluster.StatsAsync(buckets, ct);
        return TypedResults.Ok(new Stats(
            new QueueStats(s.QueueLength, s.Lag, s.Pending),
            [.. s.Consumers.Select(c => new ConsumerStats(c.Name, c.Pending, c.IdleMs))],
            [.. s.Workers.Select(b => new WorkerStats(b.Name, b.LastHeartbeat, b.Running, b.Healthy && b.IsAlive(now), b.IsAlive(now), b.Concurrency))
                .OrderBy(w => w.Name, StringComparer.Ordinal)],
            new DeadLetterStats(s.DeadLetters),
            [.. s.Buckets.Select(Point)],
            s.Verdicts));
    }

    internal sealed record Stats(QueueStats Queue, IReadOnlyList<ConsumerStats> Consumers, IReadOnlyList<WorkerStats> Workers,
        DeadLetterStats DeadLetters, IReadOnlyList<ThroughputPoint> Throughput, IReadOnlyDictionary<string, long> Verdicts);
    internal sealed record QueueStats(long Length, long Lag, long Pending);
    internal sealed record ConsumerStats(string Name, long Pending, long IdleMs);
    internal sealed record WorkerStats(string Name, DateTimeOffset LastHeartbeat, IReadOnlyList<string> Running, bool Healthy, bool Alive, int Concurrency);
    internal sealed record DeadLetterStats(long Count);
    internal sealed record ThroughputPoint(long T, long Completed, long? P50Ms, long? P95Ms);

    /// <summary>One bucket: jobs completed, and the median and 95th percentile of their end-to-end times.</summary>
    private static ThroughputPoint Point(StatsBucket bucket)
    {
        var times = bucket.LatenciesMs.Order().ToArray();
        long? Percentile(double p) => times.Length == 0 ? null : times[(int)Math.Ceiling(p * times.Length) - 1];
        return new ThroughputPoint(bucket.Start * 1000, bucket.Completed, Percentile(0.50), Percentile(0.95));
    }
}
