using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Api.Streaming;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>/api/v1/run</c> (WebSocket): an interactive job. The client sends <c>init</c> (the fields of
/// POST /api/v1/jobs), then <c>stdin</c>, <c>eof</c> and <c>signal</c> messages; it receives the same
/// messages as /jobs/{id}/stream. The job still goes through the queue to any worker: typed input
/// travels through Redis to it, so this socket may sit on any Api replica.
/// </summary>
internal static class InteractiveRunApi
{
    public static IEndpointRouteBuilder MapInteractiveRunApi(this IEndpointRouteBuilder app)
    {
        // Like POST /api/v1/jobs: the caller is identified and rate limited, and a full queue refuses new jobs.
        app.Map("/api/v1/run", RunAsync).RequireCaller().SubmitsJobs();
        return app;
    }

    public static async Task RunAsync(HttpContext context, JobSubmission submission, JobEventReader reader,
        JobEventLog log, IOptions<StreamingOptions> streaming, IOptions<InteractiveOptions> interactive,
        IOptions<JobStoreOptions> storeOptions, CancellationToken ct)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem("Open /api/v1/run as a WebSocket.", statusCode: 400, title: "WebSocket required").ExecuteAsync(context);
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var limits = interactive.Value;

        using var initTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        initTimeout.CancelAfter(limits.InitTimeout);
        ClientMessage? init;
        try { init = await ReceiveAsync(socket, limits.MaxMessageBytes, initTimeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await SubscriberPump.CloseAsync(socket, CloseCodes.InitTimeout, "no init message in time", streaming.Value);
            return;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            await RejectAsync(socket, e.Message, null, streaming.Value);
            return;
        }
        if (init is not { Type: "init" })
        {
            await RejectAsync(socket, "The first message must be {\"type\":\"init\", …the fields of a job…}.", null, streaming.Value);
            return;
        }

        var (prepared, errors) = await submission.PrepareAsync(init.ToRequest(), ct);
        if (prepared is null)
        {
            await RejectAsync(socket, "The job is not valid.", errors, streaming.Value);
            return;
        }
        var spec = prepared with { Interactive = true };
        var (_, refusal) = await submission.EnqueueAsync(spec, Caller.Of(context), null, ct);
        if (refusal is not null)
        {
            // The caller's concurrent-job cap: the same refusal POST /api/v1/jobs gives, as a close code.
            await RejectAsync(socket, refusal.Detail, null, streaming.Value, CloseCodes.RateLimited);
            return;
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var input = ForwardInputAsync(socket, spec.Id, log, limits, storeOptions.Value.Retention, streaming.Value, done.Token);
        await SubscriberPump.PumpAsync(socket, reader.ReadAsync(spec.Id, null, ct), streaming.Value, ct);
        // Our close frame is out; the input loop ends when the client's reply arrives. Cancelling a
        // pending receive would abort the socket, so that is only the fallback for a silent client.
        if (await Task.WhenAny(input, Task.Delay(streaming.Value.SendTimeout, ct)) != input) await done.CancelAsync();
        await input;
    }

    /// <summary>Moves the client's input into the job's stdin stream, within the input cap.</summary>
    private static async Task ForwardInputAsync(WebSocket socket, string id, JobEventLog log, InteractiveOptions limits, TimeSpan ttl,
        StreamingOptions streaming, CancellationToken ct)
    {
        var input = new JobInput(log, id, limits.MaxInputBytes, ttl);
        try
        {
            while (socket.State == WebSocketState.Open && await ReceiveAsync(socket, limits.MaxMessageBytes, ct) is { } message)
            {
                Task<bool>? added = message.Type switch
                {
                    "stdin" when message.Data is { } data => input.StdinAsync(data, ct),
                    "eof" => input.EofAsync(ct),
                    "signal" when message.Signal is "SIGINT" or "SIGTERM" or "SIGKILL" => input.SignalAsync(message.Signal, ct),
                    _ => null,
                };
                if (added is null) continue; // unknown or malformed input messages are ignored, not fatal
                if (!await added)
                {
                    await SubscriberPump.CloseAsync(socket, CloseCodes.TooMuchInput, $"more than {limits.MaxInputBytes} bytes of input", streaming);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException or InvalidDataException) { }
    }

    /// <summary>One text message, parsed; null when the client closed. Oversized messages are refused.</summary>
    private static async Task<ClientMessage?> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken ct) =>
        await WebSocketMessages.ReceiveAsync(socket, maxBytes, ct) is { } bytes
            ? JsonSerializer.Deserialize(bytes.Span, InteractiveJsonContext.Default.ClientMessage) ?? throw new InvalidDataException("A message must be a JSON object.")
            : null;

    private static async Task RejectAsync(WebSocket socket, string message, Dictionary<string, string[]>? errors, StreamingOptions options,
        int closeCode = CloseCodes.BadInit)
    {
        var data = JsonSerializer.Serialize(new RejectData(message, errors), InteractiveJsonContext.Default.RejectData);
        try { await socket.SendAsync(StreamMessage.Json("error", null, data).ToUtf8(), WebSocketMessageType.Text, true, CancellationToken.None); }
        catch (WebSocketException) { }
        await SubscriberPump.CloseAsync(socket, closeCode, closeCode == CloseCodes.BadInit ? "bad init" : "rate limited", options);
    }
}
