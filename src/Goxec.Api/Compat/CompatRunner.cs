using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Compat;

/// <summary>
/// What the Judge0 and Piston adapters share: a translated request goes through Goxec's own
/// submission (validation, caller's job cap, queue), optionally waited for like <c>?wait=true</c>.
/// </summary>
internal sealed class CompatRunner(JobSubmission submission, JobStore store, JobCompletionWaiter waiter, IOptions<SubmissionOptions> options)
{
    /// <param name="adjust">Sets what only the adapter knows (Judge0's stderr redirect, compiler options, callback format).</param>
    public async Task<Submitted> SubmitAsync(SubmitJobRequest request, Caller caller, bool wait, CancellationToken ct, Func<JobSpec, JobSpec>? adjust = null)
    {
        var (prepared, errors) = await submission.PrepareAsync(request, ct);
        if (prepared is null) return new Submitted(null, null, errors, null);
        var spec = adjust is null ? prepared : adjust(prepared);
        // Registered before the job exists, so a finish that races the wait is never missed.
        using var completion = wait ? waiter.Watch(spec.Id) : null;
        var (enqueued, refusal) = await submission.EnqueueAsync(spec, caller, null, ct);
        if (enqueued is null) return new Submitted(null, null, [], refusal);
        if (completion is not null) await completion.WaitAsync(options.Value.MaxWait, ct);
        return new Submitted(enqueued.Id, wait ? await store.GetAsync(enqueued.Id, ct) : null, [], null);
    }
}

/// <summary>A job id (and the job, when waited for), or the validation errors, or the gateway's refusal.</summary>
internal sealed record Submitted(string? Id, JobView? Job, Dictionary<string, string[]> Errors, Refusal? Refusal);
