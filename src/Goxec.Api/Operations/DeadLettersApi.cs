using System.Diagnostics;
using Goxec.Jobs;
using Goxec.Redis;
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

    public static async Task<Ok<IReadOnlyList<DeadLetter>>> ListAsync(IRedisClient redis, int? count, CancellationToken ct)
    {
        var reply = await redis.ExecuteAsync(new RedisCommand("XREVRANGE", JobKeys.DeadLetters, "+", "-", "COUNT", Math.Clamp(count ?? 100, 1, MaxListed)), ct);
        return TypedResults.Ok<IReadOnlyList<DeadLetter>>([.. reply.AsArray().Select(DeadLetter.From)]);
    }

    public static async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> RetryAsync(string id, IRedisClient redis, JobStore store, CancellationToken ct)
    {
        var entry = await FindAsync(redis, id, ct);
        if (entry is null || !await store.RetryDeadLetterAsync(id, entry.EntryId, Activity.Current?.Id, ct))
            return NotFound(id);
        return TypedResults.Accepted($"/api/v1/jobs/{id}", new JobAccepted(id, JobStatus.Queued));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IRedisClient redis, CancellationToken ct)
    {
        var entry = await FindAsync(redis, id, ct);
        if (entry is null) return NotFound(id);
        await redis.ExecuteAsync(new RedisCommand("XDEL", JobKeys.DeadLetters, entry.EntryId), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The newest dead letter of a job. The stream is capped, so the scan is bounded.</summary>
    private static async Task<DeadLetter?> FindAsync(IRedisClient redis, string id, CancellationToken ct)
    {
        var all = await redis.ExecuteAsync(new RedisCommand("XREVRANGE", JobKeys.DeadLetters, "+", "-"), ct);
        return all.AsArray().Select(DeadLetter.From).FirstOrDefault(d => d.Id == id);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No dead letter for job '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Dead letter not found");

    internal sealed record DeadLetter(string EntryId, string Id, string Reason, string Error, int Attempts, string Worker, DateTimeOffset? At)
    {
        public static DeadLetter From(RespValue entry)
        {
            var parts = entry.AsArray();
            var f = parts[1].AsMap();
            string Text(string name) => f.TryGetValue(name, out var v) ? v.AsString() ?? "" : "";
            return new DeadLetter(parts[0].AsString()!, Text("id"), Text("reason"), Text("error"),
                int.TryParse(Text("attempts"), out var attempts) ? attempts : 0, Text("worker"),
                long.TryParse(Text("at"), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
        }
    }
}
