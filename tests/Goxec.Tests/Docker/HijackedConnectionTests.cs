using System.Net.Sockets;
using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>
/// The hijack handshake against a scripted server on a unix socket, for the answers the local
/// daemon does not give (it always says 101): 200 OK, output in the head's segment, errors.
/// </summary>
public sealed class HijackedConnectionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"goxec-hijack-{Guid.NewGuid():N}.sock");
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public HijackedConnectionTests() => _timeout.CancelAfter(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Keeps_output_that_arrives_with_a_200_head()
    {
        var frame = DockerStreamDemultiplexerTests.Frame(1, "early");
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n");

        var (leftover, request) = await HandshakeAsync([.. answer, .. frame]);

        Assert.Equal(frame, leftover.ToArray());
        Assert.StartsWith("POST /v1.41/exec/abc/start HTTP/1.1\r\n", request);
    }

    [Fact]
    public async Task Accepts_101_upgraded()
    {
        var (leftover, _) = await HandshakeAsync(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));

        Assert.True(leftover.IsEmpty);
    }

    [Theory]
    [InlineData(404, typeof(DockerNotFoundException))]
    [InlineData(409, typeof(DockerConflictException))]
    [InlineData(500, typeof(DockerException))]
    public async Task Error_answers_carry_the_engine_message(int status, Type expected)
    {
        const string body = """{"message":"No such exec instance: abc"}""";
        var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        var error = await Assert.ThrowsAnyAsync<DockerException>(() => HandshakeAsync(answer));

        Assert.IsType(expected, error);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("No such exec instance: abc", error.Message);
    }

    [Fact]
    public async Task Connection_closed_before_an_answer_is_an_error()
    {
        await Assert.ThrowsAsync<DockerException>(() => HandshakeAsync([]));
    }

    private async Task<(ReadOnlyMemory<byte> Leftover, string Request)> HandshakeAsync(byte[] answer)
    {
        var ct = _timeout.Token;
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_path));
        listener.Listen(1);
        var server = ServeAsync(listener, answer, ct);

        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(_path), ct);
        var request = Encoding.ASCII.GetBytes("POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\nContent-Length: 2\r\n\r\n{}");
        var leftover = await HijackedConnection.UpgradeAsync(client, request, ct);
        return (leftover.ToArray(), await server);
    }

    private static async Task<string> ServeAsync(Socket listener, byte[] answer, CancellationToken ct)
    {
        using var connection = await listener.AcceptAsync(ct);
        var buffer = new byte[4096];
        var length = 0;
        // The scripted request ends with its 2-byte body after the head.
        while (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) is var end && (end < 0 || length < end + 6))
            length += await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct);
        await connection.SendAsync(answer, SocketFlags.None, ct);
        connection.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    public void Dispose()
    {
        File.Delete(_path);
        _timeout.Dispose();
    }
}
