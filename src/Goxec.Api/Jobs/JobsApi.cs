using System.Diagnostics;
using System.Text.Json;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs");
        jobs.MapPost("/", SubmitAsync);
        jobs.MapGet("/{id}", GetAsync);
        return app;
    }

    public static async Task<Results<Accepted<JobAccepted>, Ok<JobView>, ValidationProblem>> SubmitAsync(
        HttpRequest request, bool? wait, JobRequestValidator validator, JobStore store, JobCompletionWaiter waiter,
        TimeProvider clock, IOptions<SubmissionOptions> options, CancellationToken ct)
    {
        SubmitJobRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, GoxecJsonContext.Default.SubmitJobRequest, ct);
        }
        catch (JsonException e)
        {
            return Problem("body", $"The body is not valid JSON for a job: {e.Message}");
        }
        if (body is null) return Problem("body", "The body must be a JSON object describing the job.");

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 255) return Problem("Idempotency-Key", "The Idempotency-Key header may have at most 255 characters.");

        var (spec, errors) = validator.Validate(body, Guid.CreateVersion7().ToString("N"), clock.GetUtcNow());
        if (spec is null) return TypedResults.ValidationProblem(errors, title: "The job is not valid.");

        // Registered before the job exists, so a finish that races the wait is never missed.
        using var completion = wait == true ? waiter.Watch(spec.Id) : null;
        var enqueued = await store.EnqueueAsync(spec, Activity.Current?.Id, idempotencyKey.Length > 0 ? idempotencyKey : null, ct);
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
            : TypedResults.Problem($"No job with id '{id}' (unknown, or expired).", statusCode: StatusCodes.Status404NotFound, title: "Job not found");

    private static bool IsWellFormedId(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);

    private static ValidationProblem Problem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");
}
