using System.Diagnostics;
using Goxec.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The operator's view of jobs that could not be run: list, retry as new, or discard.</summary>
internal static class DeadLettersApi
{
    private const int MaxListed = 500;

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dead-letters").WithTags("Operations");
        group.MapGet("/", ListAsync).RequireOperatorView(app);
        group.MapPost("/{id}/retry", RetryAsync).RequireAdmin();
        group.MapDelete("/{id}", DeleteAsync).RequireAdmin();
        return app;
    }

    public static async Task<Ok<IReadOnlyList<DeadLetter>>> ListAsync(JobQueue queue, int? count, CancellationToken ct) =>
        TypedResults.Ok(await queue.DeadLettersAsync(Math.Clamp(count ?? 100, 1, MaxListed), ct));

    public static async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> RetryAsync(string id, JobQueue queue, JobStore store, CancellationToken ct)
    {
        var entry = await FindAsync(queue, id, ct);
        if (entry is null || !await store.RetryDeadLetterAsync(id, entry.EntryId, Activity.Current?.Id, ct))
            return NotFound(id);
        return TypedResults.Accepted($"/api/v1/jobs/{id}", new JobAccepted(id, JobStatus.Queued));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, JobQueue queue, CancellationToken ct)
    {
        var entry = await FindAsync(queue, id, ct);
        if (entry is null) return NotFound(id);
        await queue.DeleteDeadLetterAsync(entry.EntryId, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The newest dead letter of a job. The stream is capped, so the scan is bounded.</summary>
    private static async Task<DeadLetter?> FindAsync(JobQueue queue, string id, CancellationToken ct) =>
        (await queue.DeadLettersAsync(null, ct)).FirstOrDefault(d => d.Id == id);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No dead letter for job '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Dead letter not found");
}
