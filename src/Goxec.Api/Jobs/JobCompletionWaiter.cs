using System.Collections.Concurrent;
using Goxec.Jobs;
using Goxec.Redis;

namespace Goxec.Api.Jobs;

/// <summary>
/// Lets requests wait for jobs to finish without polling: one loop follows the
/// <c>goxec:finished</c> stream for the whole process and wakes the waiters of each id it sees.
/// </summary>
internal sealed class JobCompletionWaiter(IRedisClient redis, ILogger<JobCompletionWaiter> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Waiters> _waiters = new(StringComparer.Ordinal);

    /// <summary>Starts watching a job. Dispose the handle when done waiting.</summary>
    public Completion Watch(string id)
    {
        var waiters = _waiters.AddOrUpdate(id, _ => new Waiters(), (_, w) => w.Add());
        return new Completion(this, id, waiters);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = "$";
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Resolve "$" to a concrete id once, so a reconnect resumes without a gap.
                if (last == "$") last = await LastIdAsync(stoppingToken);
                var reply = await redis.ExecuteBlockingAsync(
                    new RedisCommand("XREAD", "COUNT", 1000, "BLOCK", 5000, "STREAMS", JobKeys.Finished, last), stoppingToken);
                foreach (var (_, entries) in StreamReplies.PerStream(reply))
                foreach (var entry in entries.AsArray())
                {
                    var fields = entry.AsArray();
                    last = fields[0].AsString()!;
                    if (fields[1].AsMap().TryGetValue("id", out var id) && _waiters.TryGetValue(id.AsString()!, out var waiters))
                        waiters.Finished.TrySetResult();
                }
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Following {Stream} failed; retrying in {Delay}", JobKeys.Finished, backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task<string> LastIdAsync(CancellationToken ct)
    {
        var newest = (await redis.ExecuteAsync(new RedisCommand("XREVRANGE", JobKeys.Finished, "+", "-", "COUNT", 1), ct)).AsArray();
        return newest.Count == 0 ? "0-0" : newest[0].AsArray()[0].AsString()!;
    }

    private void Release(string id, Waiters waiters)
    {
        if (waiters.Remove() == 0) _waiters.TryRemove(new KeyValuePair<string, Waiters>(id, waiters));
    }

    internal sealed class Completion(JobCompletionWaiter owner, string id, Waiters waiters) : IDisposable
    {
        /// <summary>True when the job finished within the timeout.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            try
            {
                await waiters.Finished.Task.WaitAsync(timeout, ct);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose() => owner.Release(id, waiters);
    }

    internal sealed class Waiters
    {
        private int _count = 1;
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Waiters Add() { Interlocked.Increment(ref _count); return this; }
        public int Remove() => Interlocked.Decrement(ref _count);
    }
}
