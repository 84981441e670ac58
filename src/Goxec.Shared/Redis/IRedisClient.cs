namespace Goxec.Redis;

/// <summary>
/// The narrow seam between Goxec and Redis. Everything Goxec says to Redis goes through
/// these three calls, so a well-known client can replace ours without touching callers.
/// </summary>
public interface IRedisClient : IAsyncDisposable
{
    /// <summary>
    /// Sends one command on the shared, pipelined connection. Error replies throw
    /// <see cref="RedisServerException"/>; a lost connection throws <see cref="RedisConnectionException"/>.
    /// </summary>
    Task<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the commands back to back on the shared connection with nothing interleaved
    /// (so MULTI/EXEC works) and returns every reply, error replies included, in order.
    /// </summary>
    Task<IReadOnlyList<RespValue>> ExecuteBatchAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a blocking command (XREAD/XREADGROUP BLOCK, BLPOP…) on a dedicated connection so it
    /// never stalls the shared one. Cancellation closes that connection.
    /// </summary>
    Task<RespValue> ExecuteBlockingAsync(RedisCommand command, CancellationToken cancellationToken = default);
}
