using System.Collections.Concurrent;
using Goxec.Jobs;

namespace Goxec.Api.Jobs;

/// <summary>
/// Lets requests wait for jobs to finish without polling: one loop per process follows the finish
/// announcements (<see cref="JobKeys.Finished"/>) and wakes the waiters of each id it sees. It reads when
/// the finish script's nudge says there is something new (and once a <see cref="Poll"/> regardless), so any
/// number of waiters costs one read per burst of finishes and no Redis connection of its own.
/// </summary>
internal sealed class JobCompletionWaiter(JobQueue queue, Nudges nudges, ILogger<JobCompletionWaiter> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private const int Batch = 1000;
    private readonly ConcurrentDictionary<string, Waiters> _waiters = new(StringComparer.Ordinal);

    /// <summary>Starts watching a job. Dispose the handle when done waiting.</summary>
    public Completion Watch(string id)
    {
        var waiters = _waiters.AddOrUpdate(id, _ => new Waiters(), (_, w) => w.Add());
        return new Completion(this, id, waiters);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var nudge = await nudges.ListenAsync(JobKeys.Nudge.Finished);
        string? last = null;
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Resolved once to a concrete id, so a reconnect resumes without a gap.
                last ??= await queue.LastFinishedAsync(stoppingToken);
                var finished = await queue.ReadFinishedAsync(last, Batch, stoppingToken);
                foreach (var (entry, id) in finished)
                {
                    last = entry;
                    if (_waiters.TryGetValue(id, out var waiters)) waiters.Finished.TrySetResult();
                }
                backoff = TimeSpan.FromMilliseconds(100);
                if (finished.Count < Batch) await nudge.WaitAsync(Poll, stoppingToken);
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
