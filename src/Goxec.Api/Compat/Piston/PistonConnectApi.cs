using System.Text.Json.Nodes;
using Goxec.Api.Compat.Piston;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Api.Streaming;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Piston's interactive WebSocket, <c>/api/v2/connect</c>: an interactive Goxec job (queue, any worker, stdin and
/// signals through Redis, output from the job's events stream — the machinery of <c>/api/v1/run</c>) spoken in
/// Piston's messages and close codes.
/// </summary>
internal static class PistonConnectApi
{
    public static IEndpointRouteBuilder MapPistonConnect(this IEndpointRouteBuilder piston)
    {
        piston.Map("/connect", ConnectAsync).SubmitsJobs();
        return piston;
    }

    private static async Task ConnectAsync(HttpContext context, PistonRuntimes runtimes, JobSubmission submission, JobEventReader reader,
        JobEventLog log, IOptions<SubmissionOptions> options, IOptions<StreamingOptions> streaming, IOptions<InteractiveOptions> interactive,
        IOptions<JobStoreOptions> store, CancellationToken ct)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Json(new JsonObject { ["message"] = "Open /api/v2/connect as a WebSocket" }, statusCode: 400).ExecuteAsync(context);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new PistonSession(socket, Caller.Of(context), runtimes, submission, reader, log, options.Value, streaming.Value,
            interactive.Value, store.Value.Retention);
        await session.RunAsync(ct);
    }
}
