using System.Text.Json;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// What the deployment knows about itself: its id, the workers' heartbeats, the languages' versions, and the
/// figures of <c>GET /api/v1/stats</c>.
/// </summary>
public sealed class ClusterStore(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// The deployment's id: made by whoever asks first, the same for everyone after; or <paramref name="given"/> by whoever
    /// runs the deployment (an AppHost), recorded here for those who read it.
    /// </summary>
    public async Task<string> IdentityAsync(string? given, CancellationToken ct)
    {
        if (given is not null)
        {
            await Db.StringSetAsync(JobKeys.Cluster, given).WaitAsync(ct);
            return given;
        }
        await Db.StringSetAsync(JobKeys.Cluster, Guid.NewGuid().ToString("N"), when: When.NotExists).WaitAsync(ct);
        return (string)(await Db.StringGetAsync(JobKeys.Cluster).WaitAsync(ct))!;
    }

    public Task BeatAsync(WorkerHeartbeat beat, CancellationToken ct) =>
        Db.HashSetAsync(JobKeys.Workers, beat.Name, JsonSerializer.Serialize(beat, GoxecJsonContext.Default.WorkerHeartbeat)).WaitAsync(ct);

    public Task LeaveAsync(string worker, CancellationToken ct) => Db.HashDeleteAsync(JobKeys.Workers, worker).WaitAsync(ct);

    public async Task<IReadOnlyList<WorkerHeartbeat>> WorkersAsync(CancellationToken ct) => Heartbeats(await Db.HashGetAllAsync(JobKeys.Workers).WaitAsync(ct));

    /// <summary>Language id → version, as the images say.</summary>
    public Task PublishVersionsAsync(IReadOnlyDictionary<string, string> versions, CancellationToken ct) =>
        versions.Count == 0 ? Task.CompletedTask
            : Db.HashSetAsync(JobKeys.LanguageVersions, [.. versions.Select(v => new HashEntry(v.Key, v.Value))]).WaitAsync(ct);

    public async Task<IReadOnlyDictionary<string, string>> VersionsAsync(CancellationToken ct) =>
        (await Db.HashGetAllAsync(JobKeys.LanguageVersions).WaitAsync(ct)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    /// <summary>Everything the stats page shows, read in one pipelined round trip; a stream not made yet reads as empty.</summary>
    public async Task<StatsSnapshot> StatsAsync(IReadOnlyList<long> buckets, CancellationToken ct)
    {
        var batch = Db.CreateBatch();
        var length = batch.StreamLengthAsync(JobKeys.Stream);
        var groups = batch.StreamGroupInfoAsync(JobKeys.Stream);
        var consumers = batch.StreamConsumerInfoAsync(JobKeys.Stream, JobKeys.Group);
        var dead = batch.StreamLengthAsync(JobKeys.DeadLetters);
        var workers = batch.HashGetAllAsync(JobKeys.Workers);
        var verdicts = batch.HashGetAllAsync(JobKeys.VerdictCounts);
        var completed = buckets.Select(b => batch.HashGetAsync(JobKeys.ThroughputBucket(b), "completed")).ToArray();
        var latencies = buckets.Select(b => batch.ListRangeAsync(JobKeys.LatencyBucket(b))).ToArray();
        batch.Execute();

        var group = (await OrEmpty(groups, ct)).FirstOrDefault(g => g.Name == JobKeys.Group);
        return new StatsSnapshot(
            await length.WaitAsync(ct), group.Lag ?? 0, group.PendingMessageCount,
            [.. (await OrEmpty(consumers, ct)).Select(c => (c.Name, (long)c.PendingMessageCount, c.IdleTimeInMilliseconds))],
            await dead.WaitAsync(ct),
            Heartbeats(await workers.WaitAsync(ct)),
            (await verdicts.WaitAsync(ct)).ToDictionary(e => e.Name.ToString(), e => (long)e.Value),
            [.. buckets.Select((b, i) => new StatsBucket(b, (long?)completed[i].Result ?? 0, [.. latencies[i].Result.Select(l => (long)l)]))]);
    }

    /// <summary>XINFO on a stream or group that does not exist yet (before the first job) is an error: read it as nothing.</summary>
    private static async Task<T[]> OrEmpty<T>(Task<T[]> read, CancellationToken ct)
    {
        try { return await read.WaitAsync(ct); }
        catch (RedisServerException) { return []; }
    }

    private static List<WorkerHeartbeat> Heartbeats(HashEntry[] entries) =>
        [.. entries.Select(e => JsonSerializer.Deserialize(e.Value.ToString(), GoxecJsonContext.Default.WorkerHeartbeat)).OfType<WorkerHeartbeat>()];
}

/// <summary>The raw figures of the stats page; the Api turns them into its answer.</summary>
public sealed record StatsSnapshot(
    long QueueLength,
    long Lag,
    long Pending,
    IReadOnlyList<(string Name, long Pending, long IdleMs)> Consumers,
    long DeadLetters,
    IReadOnlyList<WorkerHeartbeat> Workers,
    IReadOnlyDictionary<string, long> Verdicts,
    IReadOnlyList<StatsBucket> Buckets);

/// <summary>One 10-second bucket: jobs completed, and the end-to-end times (ms) of those kept.</summary>
public sealed record StatsBucket(long Start, long Completed, IReadOnlyList<long> LatenciesMs);
