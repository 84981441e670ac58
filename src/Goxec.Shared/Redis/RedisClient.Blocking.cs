using System.Collections.Concurrent;

namespace Goxec.Redis;

/// <summary>
/// Blocking commands get their own connections, kept in a small idle pool between calls, so
/// an XREADGROUP BLOCK never holds up the shared pipeline.
/// </summary>
public sealed partial class RedisClient
{
    private const int MaxIdleBlockingConnections = 4;

    private readonly ConcurrentBag<RedisConnection> _idleBlocking = [];

    /// <summary>
    /// No <see cref="RedisOptions.CommandTimeout"/> here: blocking is the point (BLOCK 0 waits
    /// forever), so the caller's token decides. A cancelled connection is discarded, because
    /// Redis would still answer the abandoned command on it.
    /// </summary>
    public async Task<RespValue> ExecuteBlockingAsync(RedisCommand command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var connection = RentBlocking() ?? await ConnectWithBackoffAsync(linked.Token);
        RespValue reply;
        try
        {
            reply = (await connection.Send([command]).Task.WaitAsync(linked.Token))[0];
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        ReturnBlocking(connection);
        return reply.IsError ? throw new RedisServerException(reply.ErrorMessage) : reply;
    }

    private RedisConnection? RentBlocking()
    {
        while (_idleBlocking.TryTake(out var connection))
        {
            if (connection.IsConnected) return connection;
        }
        return null;
    }

    private void ReturnBlocking(RedisConnection connection)
    {
        if (_disposed.IsCancellationRequested || _idleBlocking.Count >= MaxIdleBlockingConnections) _ = connection.DisposeAsync();
        else _idleBlocking.Add(connection);
    }
}
