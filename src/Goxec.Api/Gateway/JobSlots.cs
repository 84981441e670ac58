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
    // A reserved id without a job hash counts for 30 s: its enqueue may be on the way.
    // Returns {reserved (1/0), unfinished jobs before this reservation}.
    private static readonly RedisScript Reserve = new("""
        local now = tonumber(redis.call('TIME')[1])
        local cap = tonumber(ARGV[1])
        local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
        local active = 0
        for i = 1, #members, 2 do
          local status = redis.call('HGET', 'goxec:job:' .. members[i], 'status')
          if status == 'completed' or status == 'dead_lettered' or (not status and now - tonumber(members[i + 1]) > 30) then
            redis.call('ZREM', KEYS[1], members[i])
          else
            active = active + 1
          end
        end
        if active + #ARGV - 2 > cap then return {0, active} end
        for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return {1, active}
        """);

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
