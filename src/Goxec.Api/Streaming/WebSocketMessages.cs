using System.Buffers;
using System.Net.WebSockets;

namespace Goxec.Api.Streaming;

internal static class WebSocketMessages
{
    /// <summary>One whole message's bytes; null when the client closed. Oversized messages are refused.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > maxBytes) throw new InvalidDataException($"A message may have at most {maxBytes} bytes.");
            if (result.EndOfMessage) return buffer.WrittenMemory;
        }
    }
}
