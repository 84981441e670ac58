using System.Net.Sockets;
using System.Text;

namespace Goxec.Docker;

/// <summary>
/// The HTTP/1.1 handshake of a hijacked Engine connection (exec start, attach): send the request,
/// read the response head, and hand back the socket for raw use.
/// </summary>
internal static class HijackedConnection
{
    // A response head is a few hundred bytes; anything larger is not the Engine talking.
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// Returns the bytes that arrived after the head: the Engine may send the first output in the
    /// same segment as the head, and they belong to the stream.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> UpgradeAsync(Socket socket, ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        await SendAllAsync(socket, request, ct);
        var buffer = new byte[4096];
        var length = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxHeadBytes) throw new DockerException(502, "The Docker Engine's response head is too large.");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct);
            if (read == 0) throw new DockerException(502, "The Docker Engine closed the connection before answering.");
            length += read;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
        var bodyStart = headEnd + 4;
        var status = ParseStatus(head);
        // 101 when the Engine honours "Upgrade: tcp"; some versions answer 200 and hijack anyway.
        if (status is 101 or 200) return buffer.AsMemory(bodyStart, length - bodyStart);

        var errorBody = await ReadErrorBodyAsync(socket, buffer.AsMemory(bodyStart, length - bodyStart), ContentLength(head), ct);
        throw DockerClient.ToException(status, errorBody);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, ct);
            data = data[sent..];
        }
    }

    private static int ParseStatus(string head)
    {
        // "HTTP/1.1 101 UPGRADED"
        var statusLine = head.AsSpan(0, head.IndexOf('\r') is var cr and >= 0 ? cr : head.Length);
        var parts = statusLine.ToString().Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
            throw new DockerException(502, $"The Docker Engine sent a malformed status line: '{statusLine}'.");
        return status;
    }

    private static int? ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line.AsSpan(colon + 1).Trim(), out var length))
                return length;
        }
        return null;
    }

    private static async Task<string> ReadErrorBodyAsync(Socket socket, ReadOnlyMemory<byte> already, int? contentLength, CancellationToken ct)
    {
        // Without Content-Length the body runs to the end of the connection; cap it either way.
        var limit = Math.Min(contentLength ?? MaxErrorBodyBytes, MaxErrorBodyBytes);
        var body = new byte[Math.Max(limit, already.Length)];
        already.CopyTo(body);
        var length = already.Length;
        while (length < limit)
        {
            var read = await socket.ReceiveAsync(body.AsMemory(length, limit - length), SocketFlags.None, ct);
            if (read == 0) break;
            length += read;
        }
        return Encoding.UTF8.GetString(body, 0, Math.Min(length, limit));
    }
}
