using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Goxec.Redis;

/// <summary>
/// One socket to Redis. Requests go through a channel to a single write loop, which records
/// them in a FIFO before writing, so the single read loop can match replies to requests in
/// order. Everything already queued when the write loop wakes is flushed at once (pipelining).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    // Not SingleReader: Close drains leftovers while the write loop may still be reading.
    private readonly Channel<Request> _outbox = Channel.CreateUnbounded<Request>();
    private readonly Queue<Request> _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly string _endpoint;
    private Exception? _failure;

    private RedisConnection(Socket socket, string endpoint)
    {
        _socket = socket;
        _endpoint = endpoint;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(stream);
        _writer = PipeWriter.Create(stream);
        _ = ReadLoopAsync();
        _ = WriteLoopAsync();
    }

    public int Protocol { get; private set; } = 2;
    public bool IsConnected => _failure is null;

    /// <summary>Connects and runs the HELLO/AUTH handshake, all within <see cref="RedisOptions.ConnectTimeout"/>.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Keepalive notices a peer that vanished without closing (host died, cable pulled).
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        RedisConnection? connection = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token);
            connection = new RedisConnection(socket, options.ToString());
            await connection.HandshakeAsync(options).WaitAsync(timeout.Token);
            return connection;
        }
        catch (Exception e)
        {
            if (connection is not null) await connection.DisposeAsync(); else socket.Dispose();
            if (cancellationToken.IsCancellationRequested) throw;
            throw e switch
            {
                OperationCanceledException => new RedisConnectionException($"Could not connect to Redis at {options} within {options.ConnectTimeout}."),
                RedisConnectionException => e,
                _ => new RedisConnectionException($"Could not connect to Redis at {options}: {e.Message}", e),
            };
        }
    }

    public Request Send(IReadOnlyList<RedisCommand> commands)
    {
        foreach (var command in commands)
            if (string.IsNullOrWhiteSpace(command.Name)) throw new ArgumentException("A Redis command needs a name.", nameof(commands));
        var request = new Request(commands);
        if (!_outbox.Writer.TryWrite(request)) request.TrySetException(Lost());
        return request;
    }

    private async Task HandshakeAsync(RedisOptions options)
    {
        if (options.Protocol == 3)
        {
            List<RedisArg> hello = [3];
            if (options.Password is not null) hello.AddRange(["AUTH", options.User ?? "default", options.Password]);
            if (options.ClientName is not null) hello.AddRange(["SETNAME", options.ClientName]);
            var reply = (await Send([new RedisCommand("HELLO", [.. hello])]).Task)[0];
            if (!reply.IsError) { Protocol = 3; return; }
            // Redis < 6 has no HELLO; anything else (WRONGPASS, NOAUTH…) is a real failure.
            if (!reply.ErrorMessage.StartsWith("NOPROTO", StringComparison.Ordinal) && !reply.ErrorMessage.Contains("unknown command", StringComparison.OrdinalIgnoreCase))
                throw new RedisServerException(reply.ErrorMessage);
        }
        List<RedisCommand> setup = [];
        if (options.Password is not null)
            setup.Add(options.User is null ? new("AUTH", options.Password) : new("AUTH", options.User, options.Password));
        if (options.ClientName is not null) setup.Add(new("CLIENT", "SETNAME", options.ClientName));
        if (setup.Count == 0) return;
        foreach (var reply in await Send(setup).Task)
            if (reply.IsError) throw new RedisServerException(reply.ErrorMessage);
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(_closed.Token))
            {
                while (_outbox.Reader.TryRead(out var request))
                {
                    if (request.Task.IsCompleted) continue; // the caller gave up before it was sent
                    lock (_pending)
                    {
                        if (_failure is not null) { request.TrySetException(Lost()); continue; }
                        _pending.Enqueue(request);
                    }
                    foreach (var command in request.Commands) RespWriter.Write(_writer, command);
                }
                await _writer.FlushAsync(_closed.Token);
            }
        }
        catch (Exception e) { Close(e); }
        finally { await _writer.CompleteAsync(); }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_closed.Token);
                var buffer = result.Buffer;
                while (RespParser.TryParse(ref buffer, out var reply)) Deliver(reply);
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) throw new RedisConnectionException($"Redis at {_endpoint} closed the connection.");
            }
        }
        catch (Exception e) { Close(e); }
        finally { await _reader.CompleteAsync(); }
    }

    private void Deliver(RespValue reply)
    {
        // RESP3 pushes (invalidations, pub/sub) are out of band; we never subscribe on this connection.
        if (reply.Type == RespType.Push) return;
        Request? done = null;
        lock (_pending)
        {
            if (!_pending.TryPeek(out var request)) throw new RedisProtocolException("Redis sent a reply nobody asked for.");
            if (request.Add(reply)) done = _pending.Dequeue();
        }
        done?.Complete();
    }

    private void Close(Exception reason)
    {
        Request[] orphans;
        lock (_pending)
        {
            if (_failure is not null) return;
            _failure = reason;
            orphans = [.. _pending];
            _pending.Clear();
        }
        _outbox.Writer.TryComplete();
        _closed.Cancel();
        _socket.Dispose();
        var lost = Lost();
        foreach (var request in orphans) request.TrySetException(lost);
        while (_outbox.Reader.TryRead(out var request)) request.TrySetException(lost);
    }

    private RedisConnectionException Lost() => _failure switch
    {
        null => new($"Connection to Redis at {_endpoint} is closed."),
        RedisConnectionException e => e,
        OperationCanceledException => new($"Connection to Redis at {_endpoint} was closed."),
        var e => new($"Connection to Redis at {_endpoint} was lost: {e.Message}", e),
    };

    public ValueTask DisposeAsync()
    {
        Close(new RedisConnectionException($"Connection to Redis at {_endpoint} was closed."));
        return ValueTask.CompletedTask;
    }

    /// <summary>Commands written back to back, and their replies once all have arrived.</summary>
    internal sealed class Request(IReadOnlyList<RedisCommand> commands)
        : TaskCompletionSource<RespValue[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private readonly RespValue[] _replies = new RespValue[commands.Count];
        private int _received;

        public IReadOnlyList<RedisCommand> Commands => commands;

        public bool Add(RespValue reply)
        {
            _replies[_received++] = reply;
            return _received == _replies.Length;
        }

        public void Complete() => TrySetResult(_replies);
    }
}
