using System.Collections.Concurrent;
using Goxec.Jobs;

namespace Goxec.Worker.Queue;

/// <summary>
/// Stops the jobs this worker runs when their owners cancel them. Each running job has a token (<see cref="Track"/>)
/// that a cancel request cancels: the sandbox, whichever driver, stops the job when its token is cancelled and leaves
/// nothing running. Requests come on the cancel channel (<see cref="JobStore.ListenForCancelsAsync"/>) and, should a
/// message be lost, from the job itself at the next heartbeat (<see cref="CheckAsync"/>).
/// </summary>
public sealed class JobCancellations(JobStore store, ILogger<JobCancellations> logger)
{
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);

    /// <summary>Starts listening; dispose the result to stop.</summary>
    public Task<IAsyncDisposable> ListenAsync() => store.ListenForCancelsAsync(Cancel);

    /// <summary>
    /// A token for one job, cancelled when its owner cancels it or when <paramref name="abort"/> is (shutdown). Taken
    /// before the job is marked running, so a cancel that finds it running always finds this token too.
    /// </summary>
    public Running Track(string jobId, CancellationToken abort)
    {
        var running = new Running(this, jobId, abort);
        _running[jobId] = running;
        return running;
    }

    /// <summary>Looks in Redis for cancels of the jobs running here (the heartbeat's fallback for a lost message).</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        foreach (var id in await store.CancelRequestedAsync([.. _running.Keys], ct)) Cancel(id);
    }

    private void Cancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var running) || running.Requested) return;
        logger.LogInformation("Job {JobId} was cancelled by its owner; stopping it", jobId);
        running.Request();
    }

    /// <summary>One running job's cancellation. Dispose when the job has ended.</summary>
    public sealed class Running : IDisposable
    {
        private readonly JobCancellations _owner;
        private readonly string _jobId;
        private readonly CancellationTokenSource _requested = new();
        private readonly CancellationTokenSource _either;

        internal Running(JobCancellations owner, string jobId, CancellationToken abort)
        {
            (_owner, _jobId) = (owner, jobId);
            _either = CancellationTokenSource.CreateLinkedTokenSource(_requested.Token, abort);
        }

        /// <summary>Cancelled by the owner's request or by the worker's shutdown.</summary>
        public CancellationToken Token => _either.Token;

        /// <summary>True once the owner asked to cancel the job.</summary>
        public bool Requested => _requested.IsCancellationRequested;

        internal void Request()
        {
            // The job's own code reacts on the thread pool, never on the Redis subscriber's thread that brought the message.
            try { _ = _requested.CancelAsync(); }
            catch (ObjectDisposedException) { } // the job ended as the request came
        }

        public void Dispose()
        {
            _owner._running.TryRemove(new KeyValuePair<string, Running>(_jobId, this));
            _either.Dispose();
            _requested.Dispose();
        }
    }
}
