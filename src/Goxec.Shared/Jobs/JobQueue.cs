using Goxec.Redis;

namespace Goxec.Jobs;

public static class JobQueue
{
    /// <summary>Creates the stream and its consumer group if missing. "Already exists" is success.</summary>
    public static async Task EnsureGroupAsync(IRedisClient redis, CancellationToken ct)
    {
        try
        {
            await redis.ExecuteAsync(new RedisCommand("XGROUP", "CREATE", JobKeys.Stream, JobKeys.Group, "0", "MKSTREAM"), ct);
        }
        catch (RedisServerException e) when (e.Prefix == "BUSYGROUP")
        {
        }
    }
}
