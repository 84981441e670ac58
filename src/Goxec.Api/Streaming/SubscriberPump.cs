using System.Net.WebSockets;
using System.Threading.Channels;

namespace Goxec.Api.Streaming;

/// <summary>
/// Moves messages to one WebSocket through a bounded queue. When the queue stays full for the
/// send timeout, the subscriber has fallen behind and is closed with 4008: a stalled client costs
/// bounded memory, and since each subscriber reads Redis on its own (without a connection of its own), it slows no one else.
/// </summary>
internal static class SubscriberPump
{
    public static Task<bool> PumpAsync(WebSocket socket, IAsyncEnumerable<StreamMessage> messages, StreamingOptions options, CancellationToken ct) =>
        PumpAsync(socket, messages, m => m.ToUtf8(), options, ct);

    /// <summary>
    /// Any message format (Piston's, say). <paramref name="closing"/> picks the close frame once the messages
    /// ended normally; by default 1000 "job finished".
    /// </summary>
    public static async Task<bool> PumpAsync<T>(WebSocket socket, IAsyncEnumerable<T> messages, Func<T, byte[]> encode, StreamingOptions options,
        CancellationToken ct, Func<(int Code, string Reason)>? closing = null)
    {
        var queue = Channel.CreateBounded<T>(new BoundedChannelOptions(options.MaxQueuedMessages) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sending = SendAllAsync(socket, queue.Reader, encode, options, stop.Token);
        var tooSlow = false;
        try
        {
            await foreach (var message in messages.WithCancellation(stop.Token))
            {
                if (!queue.Writer.TryWrite(message) && !await WaitForRoomAsync(queue.Writer, message, options.SendTimeout, stop.Token))
                {
                    tooSlow = true;
                    break;
                }
                if (sending.IsCompleted) break; // the client went away
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        queue.Writer.TryComplete();

        if (tooSlow)
        {
            await stop.CancelAsync();
            await CloseAsync(socket, CloseCodes.TooSlow, "too slow: the client fell behind the job's output", options);
            return false;
        }
        var delivered = await sending;
        var (code, reason) = closing?.Invoke() ?? (CloseCodes.JobFinished, "job finished");
        if (delivered) await CloseAsync(socket, code, reason, options);
        return delivered;
    }

    private static async Task<bool> WaitForRoomAsync<T>(ChannelWriter<T> queue, T message, TimeSpan timeout, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        try
        {
            await queue.WriteAsync(message, wait.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> SendAllAsync<T>(WebSocket socket, ChannelReader<T> queue, Func<T, byte[]> encode, StreamingOptions options, CancellationToken ct)
    {
        try
        {
            await foreach (var message in queue.ReadAllAsync(ct))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.SendTimeout);
                await socket.SendAsync(encode(message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            return false;
        }
    }

    public static async Task CloseAsync(WebSocket socket, int code, string reason, StreamingOptions options)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(options.SendTimeout);
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            socket.Abort(); // a client that reads nothing cannot receive a close frame either
        }
    }
}
