using System.Collections.Concurrent;
using System.Threading.Channels;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// The process's pub/sub wake-ups, so no reader ever blocks a shared Redis connection: a reader subscribes to its
/// channel (<see cref="JobKeys.Nudge"/>), reads its stream without blocking, and then waits for a nudge or its poll
/// interval, whichever comes first. A nudge may carry what was written (a finished job's id, a small batch of
/// events), so the reader goes on without a second round trip; an empty one means "read the stream". Every
/// subscription shares the multiplexer's one subscriber (on RESP3, its one connection), so a process holds the
/// same connections with one reader or thousands. A nudge lost while Redis was away costs at most the poll
/// interval; a restored connection, or a reader too slow for its nudges, is told to read the stream.
/// </summary>
public sealed class Nudges
{
    private readonly ISubscriber _subscriber;
    private readonly ConcurrentDictionary<Listener, byte> _listeners = new();

    public Nudges(IConnectionMultiplexer redis)
    {
        _subscriber = redis.GetSubscriber();
        redis.ConnectionRestored += (_, _) =>
        {
            foreach (var listener in _listeners.Keys) listener.Look();
        };
    }

    /// <summary>Subscribes before the caller's first read, so a write between that read and its wait is never missed.</summary>
    public async Task<Listener> ListenAsync(RedisChannel channel)
    {
        var listener = new Listener(this, channel);
        _listeners[listener] = 0;
        try
        {
            await _subscriber.SubscribeAsync(channel, listener.Handler);
        }
        catch (Exception e) when (e is RedisConnectionException or TimeoutException)
        {
            // Redis is away: the handler stays registered and the multiplexer subscribes again when the
            // connection returns (then every listener is told to look). Until then the poll interval serves.
        }
        return listener;
    }

    /// <summary>
    /// One reader's nudges, in the order its handler saw them. Messages are queued up to <see cref="Capacity"/>; past
    /// that (a reader far behind) they are dropped and the reader is told to read the stream instead, which covers them.
    /// </summary>
    public sealed class Listener : IAsyncDisposable
    {
        private const int Capacity = 256;
        private readonly Nudges _owner;
        private readonly RedisChannel _channel;
        // Synchronous continuations: the handler already runs on a pool thread (the multiplexer's own reader hands
        // it over), so the waiting reader goes on right there instead of being scheduled once more.
        private readonly Channel<RedisValue> _queue = Channel.CreateBounded<RedisValue>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true,
        });
        private int _mustLook;

        internal Listener(Nudges owner, RedisChannel channel)
        {
            (_owner, _channel) = (owner, channel);
            Handler = (_, message) =>
            {
                if (!_queue.Writer.TryWrite(message)) Look();
            };
        }

        internal Action<RedisChannel, RedisValue> Handler { get; }

        /// <summary>Something may have been missed: the next wait returns at once with an empty nudge.</summary>
        internal void Look()
        {
            Volatile.Write(ref _mustLook, 1);
            _queue.Writer.TryWrite(RedisValue.Null); // wakes a waiting reader; when full, the flag alone serves
        }

        /// <summary>
        /// The next nudge, or, after <paramref name="poll"/> without one, <see cref="Nudge.Quiet"/>. An empty payload
        /// (restored connection, dropped messages, or a writer that sent none) means: read the stream.
        /// </summary>
        public async ValueTask<Nudge> NextAsync(TimeSpan poll, CancellationToken ct)
        {
            if (TakeLook()) return new Nudge(true, RedisValue.Null);
            if (_queue.Reader.TryRead(out var message)) return new Nudge(true, message);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(poll);
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(timeout.Token)) return Nudge.Quiet;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Nudge.Quiet;
            }
            if (TakeLook()) return new Nudge(true, RedisValue.Null);
            return _queue.Reader.TryRead(out message) ? new Nudge(true, message) : Nudge.Quiet;
        }

        /// <summary>Returns when nudged since the last call (every queued nudge counts as one), or after <paramref name="poll"/>; true when nudged.</summary>
        public async Task<bool> WaitAsync(TimeSpan poll, CancellationToken ct)
        {
            var nudged = (await NextAsync(poll, ct)).Woken;
            while (_queue.Reader.TryRead(out _)) { }
            return nudged;
        }

        private bool TakeLook()
        {
            if (Interlocked.Exchange(ref _mustLook, 0) == 0) return false;
            while (_queue.Reader.TryRead(out _)) { } // the read that follows covers whatever they said
            return true;
        }

        public async ValueTask DisposeAsync()
        {
            _owner._listeners.TryRemove(this, out _);
            _queue.Writer.TryComplete();
            try
            {
                await _owner._subscriber.UnsubscribeAsync(_channel, Handler);
            }
            catch (Exception e) when (e is RedisConnectionException or TimeoutException)
            {
                // The server forgets the subscription with the connection; the multiplexer no longer restores it.
            }
        }
    }
}

/// <summary>
/// What a listener's wait ended with: <see cref="Woken"/> false when its poll interval passed quietly; else the
/// nudge's <see cref="Payload"/>, empty when the reader should read its stream.
/// </summary>
public readonly record struct Nudge(bool Woken, RedisValue Payload)
{
    public static readonly Nudge Quiet = new(false, RedisValue.Null);
}
