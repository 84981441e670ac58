using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// The process's pub/sub wake-ups, so nothing here ever blocks a Redis connection: a reader subscribes to its
/// channel (<see cref="JobKeys.Nudge"/>), reads its stream without blocking, and when there was nothing waits for
/// a nudge or its poll interval, whichever comes first. Every subscription shares the multiplexer's one
/// subscriber (on RESP3, its one connection), so a process holds the same connections with one reader or thousands.
/// A nudge lost while Redis was away costs at most the poll interval; a restored connection wakes every reader.
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
            foreach (var listener in _listeners.Keys) listener.Wake();
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
            // Redis is away: the caller's reads fail and retry, and the subscription is made again when the
            // connection returns (the multiplexer restores what it knows). Until then the poll interval serves.
        }
        return listener;
    }

    /// <summary>One reader's wake-up: set by a nudge, cleared by the wait it ends.</summary>
    public sealed class Listener : IAsyncDisposable
    {
        private readonly Nudges _owner;
        private readonly RedisChannel _channel;
        private readonly SemaphoreSlim _signal = new(0, 1);

        internal Listener(Nudges owner, RedisChannel channel)
        {
            (_owner, _channel) = (owner, channel);
            Handler = (_, _) => Wake();
        }

        internal Action<RedisChannel, RedisValue> Handler { get; }

        internal void Wake()
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { } // already signalled: one look covers every nudge since the last
            catch (ObjectDisposedException) { } // a nudge racing the reader's end
        }

        /// <summary>Returns when nudged since the last call, or after <paramref name="poll"/>; true when nudged.</summary>
        public Task<bool> WaitAsync(TimeSpan poll, CancellationToken ct) => _signal.WaitAsync(poll, ct);

        public async ValueTask DisposeAsync()
        {
            _owner._listeners.TryRemove(this, out _);
            try
            {
                await _owner._subscriber.UnsubscribeAsync(_channel, Handler);
            }
            catch (Exception e) when (e is RedisConnectionException or TimeoutException)
            {
                // The server forgets the subscription with the connection; the multiplexer no longer restores it.
            }
            _signal.Dispose();
        }
    }
}
