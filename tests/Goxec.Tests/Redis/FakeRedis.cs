using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Goxec.Redis;

namespace Goxec.Tests.Redis;

/// <summary>
/// A scripted stand-in for Redis, for behaviour a real 7.0 server will not show (no HELLO,
/// refusing every handshake). The responder gets each command's words and returns raw RESP,
/// or null to close the connection.
/// </summary>
internal sealed class FakeRedis : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string[], string?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public FakeRedis(Func<string[], string?> respond)
    {
        _respond = respond;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string ConnectionString => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var stream = new NetworkStream(socket);
        var reader = PipeReader.Create(stream);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (RespParser.TryParse(ref buffer, out var command))
                {
                    var reply = _respond([.. command.AsArray().Select(a => a.AsString()!)]);
                    if (reply is null) return;
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(reply), _stop.Token);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
