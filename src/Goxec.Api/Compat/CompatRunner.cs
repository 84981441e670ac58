using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Compat;

/// <summary>
/// What the Judge0 and Piston adapters share: a translated request goes through Goxec's own
/// submission (validation, caller's job cap, queue), optionally waited for like <c>?wait=true</c>.
/// </summary>
internal sealed class CompatRunner(JobSubmission submission, JobStore store, JobCompletionWaiter waiter, JobCancel cancel, IOptions<SubmissionOptions> options)
{
    /// <param name="adjust">Sets what only the adapter knows (Judge0's stderr redirect, compiler options, callback format).</param>
    /// <param name="cancelIfAbandoned">
    /// The client can learn the result only from this answer (Piston's execute): when it goes away while waiting, the
    /// job is cancelled rather than left to run for no one.
    /// </param>
    public async Task<Submitted> SubmitAsync(SubmitJobRequest request, Caller caller, bool wait, CancellationToken ct, Func<JobSpec, JobSpec>? adjust = null,
        bool cancelIfAbandoned = false)
    {
        var (prepared, errors) = await submission.PrepareAsync(request, ct);
        if (prepared is null) return new Submitted(null, null, errors, null);
        var spec = adjust is null ? prepared : adjust(prepared);
        // Registered before the job exists, so a finish that races the wait is never missed.
        using var completion = wait ? waiter.Watch(spec.Id) : null;
        var (enqueued, refusal) = await submission.EnqueueAsync(spec, caller, null, ct);
        if (enqueued is null) return new Submitted(null, null, [], refusal);
        try
        {
            if (completion is not null) await completion.WaitAsync(options.Value.MaxWait, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && cancelIfAbandoned)
        {
            await cancel.CancelAsync(enqueued.Id, caller, CancellationToken.None, waitForStop: false);
            throw;
        }
        return new Submitted(enqueued.Id, wait ? await store.GetAsync(enqueued.Id, ct) : null, [], null);
    }
}

/// <summary>A job id (and the job, when waited for), or the validation errors, or the gateway's refusal.</summary>
internal sealed record Submitted(string? Id, JobView? Job, Dictionary<string, string[]> Errors, Refusal? Refusal);
