using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Goxec.Api.Jobs;
using Goxec.Api.Streaming;
using Goxec.Jobs;
using Goxec.Redis;
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
        app.Map("/api/v1/run", RunAsync);
        return app;
    }

    public static async Task RunAsync(HttpContext context, JobRequestValidator validator, JobStore store, JobEventReader reader,
        IRedisClient redis, TimeProvider clock, IOptions<StreamingOptions> streaming, IOptions<InteractiveOptions> interactive,
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

        var (spec, errors) = validator.Validate(init.ToRequest(), Guid.CreateVersion7().ToString("N"), clock.GetUtcNow());
        if (spec is null)
        {
            await RejectAsync(socket, "The job is not valid.", errors, streaming.Value);
            return;
        }
        await store.EnqueueAsync(spec with { Interactive = true }, Activity.Current?.Id, null, ct);
        GoxecMetrics.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("language", spec.Language));

        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var input = ForwardInputAsync(socket, spec.Id, redis, limits, storeOptions.Value.Retention, streaming.Value, done.Token);
        await SubscriberPump.PumpAsync(socket, reader.ReadAsync(spec.Id, null, ct), streaming.Value, ct);
        // Our close frame is out; the input loop ends when the client's reply arrives. Cancelling a
        // pending receive would abort the socket, so that is only the fallback for a silent client.
        if (await Task.WhenAny(input, Task.Delay(streaming.Value.SendTimeout, ct)) != input) await done.CancelAsync();
        await input;
    }

    /// <summary>Moves the client's input into the job's stdin stream, within the input cap.</summary>
    private static async Task ForwardInputAsync(WebSocket socket, string id, IRedisClient redis, InteractiveOptions limits, TimeSpan ttl,
        StreamingOptions streaming, CancellationToken ct)
    {
        var key = JobEvents.StdinKey(id);
        long total = 0;
        try
        {
            while (socket.State == WebSocketState.Open && await ReceiveAsync(socket, limits.MaxMessageBytes, ct) is { } message)
            {
                RedisCommand? command = message.Type switch
                {
                    "stdin" when message.Data is { } data => new RedisCommand("XADD", key, "*", "type", "stdin", "data", data),
                    "eof" => new RedisCommand("XADD", key, "*", "type", "eof", "data", ""),
                    "signal" when message.Signal is "SIGINT" or "SIGTERM" or "SIGKILL" => new RedisCommand("XADD", key, "*", "type", "signal", "data", message.Signal),
                    _ => null,
                };
                if (command is null) continue; // unknown or malformed input messages are ignored, not fatal
                total += message.Data?.Length ?? 0;
                if (total > limits.MaxInputBytes)
                {
                    await SubscriberPump.CloseAsync(socket, CloseCodes.TooMuchInput, $"more than {limits.MaxInputBytes} bytes of input", streaming);
                    return;
                }
                await redis.ExecuteBatchAsync([command, new RedisCommand("EXPIRE", key, (long)ttl.TotalSeconds)], ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException or InvalidDataException) { }
    }

    /// <summary>One text message, parsed; null when the client closed. Oversized messages are refused.</summary>
    private static async Task<ClientMessage?> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > maxBytes) throw new InvalidDataException($"A message may have at most {maxBytes} bytes.");
            if (result.EndOfMessage) break;
        }
        return JsonSerializer.Deserialize(buffer.WrittenSpan, InteractiveJsonContext.Default.ClientMessage)
            ?? throw new InvalidDataException("A message must be a JSON object.");
    }

    private static async Task RejectAsync(WebSocket socket, string message, Dictionary<string, string[]>? errors, StreamingOptions options)
    {
        var data = JsonSerializer.Serialize(new RejectData(message, errors), InteractiveJsonContext.Default.RejectData);
        try { await socket.SendAsync(StreamMessage.Json("error", null, data).ToUtf8(), WebSocketMessageType.Text, true, CancellationToken.None); }
        catch (WebSocketException) { }
        await SubscriberPump.CloseAsync(socket, CloseCodes.BadInit, "bad init", options);
    }
}
