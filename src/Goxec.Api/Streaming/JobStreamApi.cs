using System.Text;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Api.Streaming;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>GET /api/v1/jobs/{id}/stream</c>: a job's status, output and result as they happen, over a
/// WebSocket or Server-Sent Events; replayed from the start, or after <c>?after=seq</c> (SSE: Last-Event-ID).
/// </summary>
internal static class JobStreamApi
{
    public static IEndpointRouteBuilder MapJobStreamApi(this IEndpointRouteBuilder app)
    {
        // Following one's own job is a read: a reconnecting client draws on the read allowance, not the submission bucket.
        app.MapGet("/api/v1/jobs/{id}/stream", StreamAsync).RequireCaller().ReadsJobs().WithTags("Jobs");
        return app;
    }

    public static async Task<IResult> StreamAsync(HttpContext context, string id, long? after, JobStore store, JobEventReader reader,
        IOptions<StreamingOptions> options, CancellationToken ct)
    {
        if (after is < 0) return Problem(400, "after", "after must be a seq received from this stream (0 or more).");
        // Another caller's job is not found either: the same answer as an id that does not exist.
        if (await store.FindAsync(id, Caller.Of(context), ct) is null)
            return TypedResults.Problem($"No job with id '{id}' (unknown, or expired).", statusCode: 404, title: "Job not found");

        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await SubscriberPump.PumpAsync(socket, reader.ReadAsync(id, after, ct), options.Value, ct);
            return TypedResults.Empty;
        }
        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            var resume = long.TryParse(context.Request.Headers["Last-Event-ID"], out var lastEventId) ? lastEventId : after;
            await ServerSentEventsAsync(context.Response, reader.ReadAsync(id, resume, ct), ct);
            return TypedResults.Empty;
        }
        return Problem(400, "Upgrade", "Open this URL as a WebSocket, or ask for Server-Sent Events with 'Accept: text/event-stream'.");
    }

    private static async Task ServerSentEventsAsync(HttpResponse response, IAsyncEnumerable<StreamMessage> messages, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await foreach (var message in messages.WithCancellation(ct))
        {
            var frame = new StringBuilder();
            if (message.Seq is { } seq) frame.Append("id: ").Append(seq).Append('\n');
            frame.Append("event: ").Append(message.Type).Append('\n');
            frame.Append("data: ").Append(Encoding.UTF8.GetString(message.ToUtf8())).Append("\n\n");
            await response.WriteAsync(frame.ToString(), ct);
            await response.Body.FlushAsync(ct);
        }
    }

    private static IResult Problem(int status, string field, string message) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Title = "The request is not valid.", Status = status });
}
