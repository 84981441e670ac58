using Goxec.Jobs;
using Goxec.Redis;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// The cap on a caller's unfinished jobs. Each caller has a sorted set of its job ids; a reservation
/// first drops the ids whose job has finished (or never got stored), so the count heals itself without
/// anyone having to remember to release a slot — a crashed Api replica leaks nothing.
/// </summary>
public sealed class JobSlots(IRedisClient redis, IOptions<JobStoreOptions> jobs)
{
    public const string KeyPrefix = "goxec:active:";

    // KEYS: the caller's set. ARGV: cap, ttl seconds, then the ids to reserve.
    // Returns {reserved (1/0), unfinished jobs before this reservation (an upper bound when reserved)}.
    private static readonly RedisScript Reserve = new(JobScripts.ReserveFunction + """
        local reserved, active, now = reserve(KEYS[1], tonumber(ARGV[1]), #ARGV - 2)
        if not reserved then return {0, active} end
        for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return {1, active}
        """);

    /// <summary>The caller's cap, for the submission script to reserve in the same step; null when the caller has none.</summary>
    public static SlotCap? CapOf(Caller caller) =>
        caller.Limits is null ? null : new SlotCap(KeyPrefix + caller.Bucket, caller.Limits.MaxConcurrentJobs);

    /// <summary>Reserves one slot per id, all or none. Returns the unfinished count when refused.</summary>
    public async Task<(bool Reserved, long Active)> ReserveAsync(Caller caller, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (caller.Limits is null || ids.Count == 0) return (true, 0);
        var reply = (await Reserve.EvaluateAsync(redis, [KeyPrefix + caller.Bucket],
            [caller.Limits.MaxConcurrentJobs, (long)jobs.Value.Retention.TotalSeconds, .. ids.Select(id => (RedisArg)id)], ct)).AsArray();
        return (reply[0].AsInt64() == 1, reply[1].AsInt64());
    }

    /// <summary>Gives a slot back when its job was not created after all (e.g. an idempotent repeat).</summary>
    public Task ReleaseAsync(Caller caller, string id, CancellationToken ct) =>
        caller.Limits is null ? Task.CompletedTask : redis.ExecuteAsync(new RedisCommand("ZREM", KeyPrefix + caller.Bucket, id), ct);
}
