using Goxec.Api.Gateway;
using Goxec.Jobs;

namespace Goxec.Api.Jobs;

/// <summary>
/// Cancels a job for its owner (or the admin): a queued job ends at once and never runs; a running one is stopped by
/// its worker, which this waits for (up to <see cref="StopWait"/>); a finished one keeps its verdict. Either way the job
/// ends exactly once, completed with verdict <c>cancelled</c> unless it had already finished. Shared by
/// <c>DELETE /api/v1/jobs/{id}</c>, Judge0's <c>DELETE /submissions/{token}</c> and Piston's abandoned runs.
/// </summary>
internal sealed class JobCancel(JobStore store, JobCompletionWaiter waiter)
{
    /// <summary>How long a cancel waits for the worker to stop a running job before it answers with the job as it is.</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The job after the cancel; null when there is no such job, or it is another caller's. Without
    /// <paramref name="waitForStop"/> it answers as soon as the cancel is recorded (no one waits for the answer).
    /// </summary>
    public async Task<JobView?> CancelAsync(string id, Caller caller, CancellationToken ct, bool waitForStop = true)
    {
        if (await store.FindAsync(id, caller, ct) is not { } job) return null;
        if (IsFinished(job)) return job;
        // Registered before the cancel, so a stop that races the wait is never missed.
        using var completion = waitForStop ? waiter.Watch(job.Id) : null;
        var before = new JobResult(Verdict.Cancelled, null, null, "Cancelled by its owner before it ran.", "", job.Attempts);
        if (await store.CancelAsync(job.Id, before, ct) == CancelOutcome.Stopping && completion is not null)
            await completion.WaitAsync(StopWait, ct);
        return await store.GetAsync(job.Id, ct) ?? job;
    }

    public static bool IsFinished(JobView job) => job.Status is JobStatus.Completed or JobStatus.DeadLettered;
}
