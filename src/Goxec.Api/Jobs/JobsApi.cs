using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs").RequireCaller().WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync).SubmitsJobs().TakesTokenInSubmission().Accepts<SubmitJobRequest>("application/json")
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapJobBatchApi();
        return app;
    }

    public static async Task<Results<Accepted<JobAccepted>, Ok<JobView>, ValidationProblem, Refusal>> SubmitAsync(
        HttpContext context, bool? wait, JobSubmission submission, JobStore store, JobCompletionWaiter waiter, TokenBucket bucket,
        IOptions<SubmissionOptions> options, CancellationToken ct)
    {
        var request = context.Request;
        var caller = Caller.Of(context);
        // A valid submission takes its token inside the submission script (one round trip); one that is refused
        // before it still pays its token here, so bad requests are rate limited like any other.
        async Task<Refusal?> ChargeAsync()
        {
            if (caller.Limits is not { } limits) return null;
            var decision = await bucket.TakeAsync(caller.Bucket, limits, cost: 1, ct);
            decision.WriteHeaders(context.Response);
            if (decision.Allowed) return null;
            GoxecMetrics.RateLimitRejections.Add(1);
            return decision.Refuse(caller.Name);
        }

        var (body, malformed) = await JsonBody.ReadAsync(request, GoxecJsonContext.Default.SubmitJobRequest, ct);
        if (body is null) return await ChargeAsync() is { } limited ? limited : malformed!;
        var (idempotencyKey, keyProblem) = JobSubmission.IdempotencyKeyOf(request);
        if (keyProblem is not null) return await ChargeAsync() is { } limited ? limited : keyProblem;

        var (spec, errors) = await submission.PrepareAsync(body, ct);
        if (spec is null) return await ChargeAsync() is { } limited ? limited : TypedResults.ValidationProblem(errors, title: "The job is not valid.");

        // Registered before the job exists, so a finish that races the wait is never missed.
        using var completion = wait == true ? waiter.Watch(spec.Id) : null;
        var (enqueued, refusal, rate) = await submission.EnqueueAsync(spec, caller, idempotencyKey, takeToken: true, ct);
        rate?.WriteHeaders(context.Response);
        if (enqueued is null) return refusal!;
        var id = enqueued.Id;
        var location = $"/api/v1/jobs/{id}";
        if (!enqueued.IsNew)
        {
            // The same submission again: answer with the job it made the first time.
            var earlier = await store.GetAsync(id, ct);
            return earlier is { Status: JobStatus.Completed or JobStatus.DeadLettered }
                ? TypedResults.Ok(earlier)
                : TypedResults.Accepted(location, new JobAccepted(id, earlier?.Status ?? JobStatus.Queued));
        }

        if (completion is not null)
        {
            await completion.WaitAsync(options.Value.MaxWait, ct);
            // Read the job either way: it answers for a finish the waiter could not see.
            if (await store.GetAsync(id, ct) is { Status: JobStatus.Completed or JobStatus.DeadLettered } finished)
                return TypedResults.Ok(finished);
        }
        return TypedResults.Accepted(location, new JobAccepted(id, JobStatus.Queued));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(string id, JobStore store, CancellationToken ct) =>
        IsWellFormedId(id) && await store.GetAsync(id, ct) is { } job
            ? TypedResults.Ok(job)
            : NotFound(id);

    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No job with id '{id}' (unknown, or expired).", statusCode: StatusCodes.Status404NotFound, title: "Job not found");

    internal static bool IsWellFormedId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
