using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Goxec.Api.Gateway;
using Goxec.Api.Webhooks;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Jobs;

/// <summary>
/// One submission, shared by the single and the batch endpoints (and any streaming one): validate,
/// check the callback, then (in one script) take a slot under the caller's concurrent-job cap, store and queue.
/// </summary>
internal sealed class JobSubmission(JobRequestValidator validator, JobStore store, TimeProvider clock, IOptions<WebhookOptions> webhooks)
{
    /// <summary>The longest Idempotency-Key accepted, in UTF-8 bytes, by every endpoint that reads one.</summary>
    public const int MaxIdempotencyKeyBytes = 255;

    /// <summary>The request's Idempotency-Key (null when none), or a problem naming the header when it is too long.</summary>
    public static (string? Key, ValidationProblem? Problem) IdempotencyKeyOf(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (Encoding.UTF8.GetByteCount(key) > MaxIdempotencyKeyBytes)
            return (null, JsonBody.Invalid("Idempotency-Key", $"The Idempotency-Key header may have at most {MaxIdempotencyKeyBytes} bytes."));
        return (key.Length > 0 ? key : null, null);
    }

    public async Task<(JobSpec? Spec, Dictionary<string, string[]> Errors)> PrepareAsync(SubmitJobRequest request, CancellationToken ct)
    {
        var (spec, errors) = validator.Validate(request, Guid.CreateVersion7().ToString("N"), clock.GetUtcNow());
        if (request.CallbackUrl is { } url)
        {
            var problem = webhooks.Value.WebhookSecret.Length == 0
                ? "Callbacks are not enabled on this server (the operator has not set Gateway:WebhookSecret)."
                : await CallbackAddresses.ProblemAsync(url, webhooks.Value.AllowPrivateCallbacks, ct);
            if (problem is not null) errors["callbackUrl"] = [problem];
        }
        return errors.Count > 0 || spec is null ? (null, errors) : (spec with { CallbackUrl = request.CallbackUrl }, errors);
    }

    /// <summary>The job it stands for (new, or an earlier one with the same idempotency key), or a 429 refusal.</summary>
    public async Task<(Enqueued? Job, Refusal? Refusal)> EnqueueAsync(JobSpec spec, Caller caller, string? idempotencyKey, CancellationToken ct)
    {
        var (job, refusal, _) = await EnqueueAsync(spec, caller, idempotencyKey, takeToken: false, ct);
        return (job, refusal);
    }

    /// <summary>
    /// As above; with <paramref name="takeToken"/> the caller's token is taken in the same round trip (the endpoint
    /// carries <c>TakesTokenInSubmission</c>), and the bucket's answer comes back for the response headers.
    /// </summary>
    public async Task<(Enqueued? Job, Refusal? Refusal, RateDecision? Rate)> EnqueueAsync(JobSpec spec, Caller caller, string? idempotencyKey,
        bool takeToken, CancellationToken ct)
    {
        // The producer span's context travels in the entry: the worker's spans are its children.
        using var publish = GoxecDiagnostics.Api.StartActivity($"send {JobKeys.Stream}", ActivityKind.Producer);
        publish?.SetTag("messaging.system", "redis");
        publish?.SetTag("messaging.destination.name", JobKeys.Stream);
        publish?.SetTag("messaging.operation.type", "send");
        publish?.SetTag("goxec.job.id", spec.Id);
        publish?.SetTag("goxec.language", spec.Language);
        // Scoped to the caller: another caller sending the same key must get a job of its own, never
        // this caller's job (with its code and output).
        var scopedKey = idempotencyKey is null ? null : $"{caller.Bucket}\n{idempotencyKey}";
        // Idempotency, the cap and the enqueue are one script: one round trip per submission.
        var rate = takeToken && caller.Limits is { } limits ? TokenBucket.CapOf(caller.Bucket, limits) : null;
        var enqueued = await store.EnqueueAsync(spec, Activity.Current?.Id, scopedKey, CapOf(caller), rate, ct);
        var decision = enqueued.Tokens is { } tokens ? new RateDecision(tokens, caller.Limits!) : null;
        if (enqueued.Limited)
        {
            GoxecMetrics.RateLimitRejections.Add(1);
            return (null, decision!.Refuse(caller.Name), decision);
        }
        if (enqueued.Refused)
            return (null, Refusal.TooManyUnfinishedJobs(caller, enqueued.Unfinished), decision);
        if (enqueued.IsNew) GoxecMetrics.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("language", spec.Language));
        return (enqueued, null, decision);
    }

    /// <summary>The caller's cap on unfinished jobs, for the submission script to reserve in the same step; null when the caller has none.</summary>
    private static SlotCap? CapOf(Caller caller) => caller.Limits is null ? null : new SlotCap(caller.Bucket, caller.Limits.MaxConcurrentJobs);
}
