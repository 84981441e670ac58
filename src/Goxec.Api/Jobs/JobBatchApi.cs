using System.Text.Json;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Many jobs in one request: each answered on its own (its id, or its own problem), 207-style, so one
/// bad job does not sink the others (202). When none is queued the answer is one problem naming every
/// field at fault. The batch costs one token per job.
/// </summary>
internal static class JobBatchApi
{
    public const int MaxJobs = 20;
    public const int MaxIds = 100;

    public static RouteGroupBuilder MapJobBatchApi(this RouteGroupBuilder jobs)
    {
        jobs.MapPost("/batch", SubmitAsync).SubmitsJobs().Accepts<BatchRequest>("application/json")
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        jobs.MapGet("/", GetManyAsync);
        return jobs;
    }

    public static async Task<Results<Accepted<BatchResult>, ValidationProblem, Refusal>> SubmitAsync(
        HttpContext context, JobSubmission submission, TokenBucket bucket, CancellationToken ct)
    {
        var (body, malformed) = await JsonBody.ReadAsync(context.Request, GatewayJsonContext.Default.BatchRequest, ct);
        if (body is null) return malformed!;
        if (body.Jobs is not { Count: > 0 and <= MaxJobs } items) return JsonBody.Invalid("jobs", $"Give between 1 and {MaxJobs} jobs.");

        var caller = Caller.Of(context);
        if (caller.Limits is { } limits && items.Count > 1)
        {
            // The gateway took one token for the request; the rest of the jobs pay here.
            var decision = await bucket.TakeAsync(caller.Bucket, limits, items.Count - 1, ct);
            decision.WriteHeaders(context.Response);
            if (!decision.Allowed)
                return new Refusal(StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"A batch of {items.Count} jobs needs {items.Count} tokens; {caller.Name} has {decision.Remaining + 1}.", decision.RetryAfter);
        }

        var (idempotencyKey, keyProblem) = JobSubmission.IdempotencyKeyOf(context.Request);
        if (keyProblem is not null) return keyProblem;
        var answers = new List<BatchItem>(items.Count);
        for (var i = 0; i < items.Count; i++) answers.Add(await SubmitOneAsync(i, items[i], caller, idempotencyKey, submission, ct));

        if (answers.Any(a => a.Id is not null)) return TypedResults.Accepted((string?)null, new BatchResult(answers));
        // Nothing was queued: the request as a whole failed, so it is answered as one problem naming every field.
        if (answers.All(a => a.Problem!.Status == StatusCodes.Status429TooManyRequests))
            return new Refusal(StatusCodes.Status429TooManyRequests, "Too many unfinished jobs", answers[0].Problem!.Errors.Values.First()[0], Refusal.UnfinishedJobsRetry);
        return TypedResults.ValidationProblem(answers.SelectMany(a => a.Problem!.Errors).ToDictionary(e => e.Key, e => e.Value), title: "No job of the batch is valid.");
    }

    private static async Task<BatchItem> SubmitOneAsync(int index, JsonElement item, Caller caller, string? idempotencyKey, JobSubmission submission, CancellationToken ct)
    {
        SubmitJobRequest? request;
        try
        {
            request = item.ValueKind == JsonValueKind.Object ? item.Deserialize(GoxecJsonContext.Default.SubmitJobRequest) : null;
        }
        catch (JsonException e)
        {
            return BatchItem.Failed(index, 400, "The job is not valid JSON.", new() { [$"jobs[{index}]"] = [e.Message] });
        }
        if (request is null) return BatchItem.Failed(index, 400, "The job is not valid.", new() { [$"jobs[{index}]"] = ["Each job must be a JSON object."] });

        var (spec, errors) = await submission.PrepareAsync(request, ct);
        if (spec is null)
            return BatchItem.Failed(index, 400, "The job is not valid.", errors.ToDictionary(e => $"jobs[{index}].{e.Key}", e => e.Value));
        // Each job of a batch gets its own key, so a retried batch repeats none of its jobs.
        var (job, refusal) = await submission.EnqueueAsync(spec, caller, idempotencyKey is null ? null : $"{idempotencyKey}#{index}", ct);
        return job is null
            ? BatchItem.Failed(index, refusal!.StatusCode, refusal.Title, new() { [$"jobs[{index}]"] = [refusal.Detail] })
            : new BatchItem(index, job.Id, JobStatus.Queued, null);
    }

    /// <summary><c>GET /api/v1/jobs?ids=a,b,c</c>: up to <see cref="MaxIds"/> jobs, each found or not.</summary>
    public static async Task<Results<Ok<JobsLookup>, ValidationProblem>> GetManyAsync(string? ids, JobStore store, CancellationToken ct)
    {
        var list = (ids ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count is 0 or > MaxIds) return JsonBody.Invalid("ids", $"Give between 1 and {MaxIds} comma-separated job ids.");
        var jobs = await Task.WhenAll(list.Select(id => JobsApi.IsWellFormedId(id) ? store.GetAsync(id, ct) : Task.FromResult<JobView?>(null)));
        return TypedResults.Ok(new JobsLookup([.. list.Select((id, i) => jobs[i] is { } job
            ? new JobLookup(id, job, null)
            : new JobLookup(id, null, new BatchProblem(404, "Job not found", new() { ["ids"] = [$"No job with id '{id}' (unknown, or expired)."] })))]));
    }
}

public sealed record BatchRequest(IReadOnlyList<JsonElement>? Jobs);

public sealed record BatchResult(IReadOnlyList<BatchItem> Jobs);

/// <summary>One job of a batch: its id and status when queued, else its own problem.</summary>
public sealed record BatchItem(int Index, string? Id, JobStatus? Status, BatchProblem? Problem)
{
    internal static BatchItem Failed(int index, int status, string title, Dictionary<string, string[]> errors) =>
        new(index, null, null, new BatchProblem(status, title, errors));
}

/// <summary>A problem inside a 207-style answer, shaped like an RFC 9457 validation problem.</summary>
public sealed record BatchProblem(int Status, string Title, Dictionary<string, string[]> Errors);

public sealed record JobsLookup(IReadOnlyList<JobLookup> Jobs);

public sealed record JobLookup(string Id, JobView? Job, BatchProblem? Problem);
