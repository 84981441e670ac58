using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Goxec.Tests.Streaming;

/// <summary>A WebSocket client for the stream and run endpoints that records every message.</summary>
public sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public List<JsonElement> Messages { get; } = [];
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects as <paramref name="key"/>'s caller (anonymous without one): a job's stream answers its owner only.</summary>
    public static async Task<StreamClient> ConnectAsync(Uri api, string path, CancellationToken ct, string? key = null)
    {
        var client = new StreamClient();
        if (key is not null) client._socket.Options.SetRequestHeader("Authorization", $"Bearer {key}");
        var uri = new UriBuilder(api) { Scheme = "ws", Path = path.Split('?')[0], Query = path.Contains('?') ? path.Split('?', 2)[1] : "" }.Uri;
        await client._socket.ConnectAsync(uri, ct);
        return client;
    }

    public Task SendAsync(object message, CancellationToken ct) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, ct);

    /// <summary>The next message, or null when the server closed.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(chunk, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Write(chunk, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var message = JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
            Messages.Add(message);
            return message;
        }
    }

    /// <summary>Reads until the server closes; returns everything received.</summary>
    public async Task<List<JsonElement>> ReadToEndAsync(CancellationToken ct)
    {
        while (await ReceiveAsync(ct) is not null) { }
        return Messages;
    }

    public static string Output(IEnumerable<JsonElement> messages, string type = "stdout") =>
        string.Concat(messages.Where(m => m.GetProperty("type").GetString() == type).Select(m => m.GetProperty("data").GetString()));

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (Exception e) when (e is WebSocketException or TimeoutException) { }
        }
        _socket.Dispose();
    }
}
