using System.Diagnostics;

namespace Goxec.Redis;

/// <summary>
/// A small RESP client: one shared, pipelined connection for ordinary commands and a pool of
/// dedicated connections for blocking ones. A dropped connection fails what was in flight and
/// is re-established by the next command, with backoff so a dead server is not hammered.
/// </summary>
public sealed partial class RedisClient : IRedisClient
{
    /// <summary>Client spans, one per command (or pipeline), when someone listens.</summary>
    public static readonly ActivitySource Source = new("Goxec.Redis");

    private readonly RedisOptions _options;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private RedisConnection? _connection;
    private Task<RedisConnection>? _connecting;
    private int _failedAttempts;
    private long _nextAttemptAt;
    private string? _lastFailure;

    /// <summary>Creates the client without connecting; the first command connects.</summary>
    public RedisClient(RedisOptions options) => _options = options;

    public RedisClient(string connectionString) : this(RedisOptions.Parse(connectionString)) { }

    public RedisOptions Options => _options;

    /// <summary>The protocol the shared connection negotiated (2 or 3), or null before it connected.</summary>
    public int? Protocol => _connection?.Protocol;

    /// <summary>Creates the client and connects now, so a wrong address fails at startup.</summary>
    public static async Task<RedisClient> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        var client = new RedisClient(options);
        try
        {
            await client.GetConnectionAsync(Stopwatch.GetTimestamp(), options.ConnectTimeout, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task<RespValue> ExecuteAsync(RedisCommand command, CancellationToken cancellationToken = default)
    {
        var reply = (await SendAsync([command], cancellationToken))[0];
        return reply.IsError ? throw new RedisServerException(reply.ErrorMessage) : reply;
    }

    public async Task<IReadOnlyList<RespValue>> ExecuteBatchAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken = default) =>
        commands.Count == 0 ? [] : await SendAsync(commands, cancellationToken);

    private async Task<RespValue[]> SendAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken)
    {
        // A client span only inside a trace: the polling loops would otherwise start a root trace per command.
        using var span = Activity.Current is null ? null : Source.StartActivity(commands.Count == 1 ? commands[0].Name : "PIPELINE", ActivityKind.Client);
        span?.SetTag("db.system.name", "redis");
        span?.SetTag("db.operation.name", commands.Count == 1 ? commands[0].Name : "PIPELINE");
        span?.SetTag("server.address", _options.Host);
        span?.SetTag("server.port", _options.Port);
        try
        {
            return await SendUntracedAsync(commands, cancellationToken);
        }
        catch (Exception e) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task<RespValue[]> SendUntracedAsync(IReadOnlyList<RedisCommand> commands, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = _options.CommandTimeout;
        var connection = await GetConnectionAsync(started, timeout, cancellationToken);
        var request = connection.Send(commands);
        try
        {
            return await request.Task.WaitAsync(Remaining(started, timeout), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Unsent, it is skipped; already sent, its reply is still read (and dropped) to keep order.
            request.TrySetCanceled(CancellationToken.None);
            if (e is TimeoutException)
                throw new TimeoutException($"Redis at {_options} did not answer {Describe(commands)} within {timeout}.");
            throw;
        }
    }

    private async Task<RedisConnection> GetConnectionAsync(long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<RedisConnection> connecting;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_connection is { IsConnected: true } live) return live;
            // One reconnect at a time; every caller waiting meanwhile shares its outcome.
            connecting = _connecting ??= Task.Run(ReconnectAsync);
        }
        try
        {
            return await connecting.WaitAsync(Remaining(started, timeout), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new RedisConnectionException($"Could not connect to Redis at {_options} within {timeout} (last error: {_lastFailure ?? "none yet"}); still retrying.");
        }
    }

    private async Task<RedisConnection> ReconnectAsync()
    {
        RedisConnection connection;
        try
        {
            connection = await ConnectWithBackoffAsync(_disposed.Token);
        }
        catch
        {
            lock (_gate) _connecting = null;
            throw;
        }
        lock (_gate) (_connection, _connecting) = (connection, null);
        // DisposeAsync may have run meanwhile and missed this connection.
        if (!_disposed.IsCancellationRequested) return connection;
        await connection.DisposeAsync();
        throw new ObjectDisposedException(nameof(RedisClient));
    }

    /// <summary>
    /// Every new connection, shared or blocking, waits out the backoff left by earlier failures,
    /// so neither a burst of callers nor a worker's read loop hammers a server that is down.
    /// </summary>
    private async Task<RedisConnection> ConnectWithBackoffAsync(CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Interlocked.Read(ref _nextAttemptAt));
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
        try
        {
            var connection = await RedisConnection.ConnectAsync(_options, cancellationToken);
            lock (_gate) (_failedAttempts, _lastFailure) = (0, null);
            return connection;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _failedAttempts++;
                _nextAttemptAt = Stopwatch.GetTimestamp() + (long)(Backoff(_failedAttempts).TotalSeconds * Stopwatch.Frequency);
                _lastFailure = e.Message;
            }
            throw;
        }
    }

    /// <summary>Exponential, capped, with "equal jitter" so many clients don't retry in lockstep.</summary>
    private TimeSpan Backoff(int failedAttempts)
    {
        var exponential = _options.ReconnectBackoffMin * Math.Pow(2, Math.Min(failedAttempts - 1, 20));
        var capped = exponential < _options.ReconnectBackoffMax ? exponential : _options.ReconnectBackoffMax;
        return capped / 2 + capped / 2 * Random.Shared.NextDouble();
    }

    private static TimeSpan Remaining(long started, TimeSpan timeout)
    {
        var left = timeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static string Describe(IReadOnlyList<RedisCommand> commands) =>
        commands.Count == 1 ? commands[0].Name : $"a batch of {commands.Count} commands";

    public async ValueTask DisposeAsync()
    {
        RedisConnection? connection;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _disposed.Cancel();
            connection = _connection;
        }
        if (connection is not null) await connection.DisposeAsync();
        while (_idleBlocking.TryTake(out var idle)) await idle.DisposeAsync();
    }
}
