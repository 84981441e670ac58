using System.Text;

namespace Goxec.Docker;

public sealed partial class DockerClient
{
    public async Task<string> CreateExecAsync(string containerId, ExecCreateRequest request, CancellationToken cancellationToken = default)
    {
        // With a TTY the Engine sends raw bytes instead of the multiplexed stream the session parses.
        if (request.Tty) throw new NotSupportedException("Exec with a TTY is not supported; output must stay multiplexed.");
        var created = await SendJsonAsync(HttpMethod.Post, $"containers/{Escape(containerId)}/exec",
            Json(request, DockerJsonContext.Default.ExecCreateRequest), DockerJsonContext.Default.IdResponse, cancellationToken);
        return created.Id;
    }

    public async Task<ExecState> InspectExecAsync(string execId, CancellationToken cancellationToken = default)
    {
        var e = await SendJsonAsync(HttpMethod.Get, $"exec/{Escape(execId)}/json", null,
            DockerJsonContext.Default.ExecInspectResponse, cancellationToken);
        return new ExecState(e.Running, e.Running ? null : e.ExitCode, e.Pid);
    }

    /// <remarks>
    /// Not through HttpClient: after the response head the connection becomes a raw duplex stream,
    /// and the process only sees end of stdin when we half-close our side, which HttpClient cannot.
    /// </remarks>
    public async Task<IExecSession> StartExecAsync(string execId, CancellationToken cancellationToken = default)
    {
        var version = await NegotiateAsync(cancellationToken);
        const string body = """{"Detach":false,"Tty":false}""";
        var request = Encoding.ASCII.GetBytes(
            $"POST /v{version.ApiVersion}/exec/{Escape(execId)}/start HTTP/1.1\r\n" +
            "Host: docker\r\n" +
            "Content-Type: application/json\r\n" +
            "Connection: Upgrade\r\n" +
            "Upgrade: tcp\r\n" +
            $"Content-Length: {body.Length}\r\n\r\n" +
            body);

        // The timeout covers connecting and the response head only; the session then lives as long as the process.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var socket = await ConnectSocketAsync(timeout.Token);
        try
        {
            var leftover = await HijackedConnection.UpgradeAsync(socket, request, timeout.Token);
            return new ExecSession(socket, leftover);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
