using System.Net.Sockets;
using System.Text;

namespace Goxec.Hosting;

/// <summary>
/// Probes that need nothing but the BCL: the orchestrator must not depend on the code it starts
/// (our own RESP client lives in Goxec.Shared and is tested through this very Redis).
/// </summary>
internal static class HealthChecks
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);
    private static readonly HttpClient s_http = new() { Timeout = s_probeTimeout };

    public static async Task<HealthResult> HttpOkAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await s_http.GetAsync(url, ct);
            return new(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode} {url.AbsolutePath}");
        }
        // A refused or failed connection is simply "not healthy", even while stopping (the process may
        // be gone already); only a cancellation of our own is allowed to end the probe with an exception.
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new(false, $"{url.AbsolutePath}: {e.Message}");
        }
    }

    /// <summary>True once Redis answers PING with +PONG (while loading the AOF it answers -LOADING).</summary>
    public static async Task<HealthResult> RedisPingAsync(string host, int port, string? password, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(s_probeTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            var buffer = new byte[64];
            if (password is not null)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"*2\r\n$4\r\nAUTH\r\n${password.Length}\r\n{password}\r\n"), timeout.Token);
                var auth = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer, timeout.Token)).TrimEnd();
                if (auth != "+OK") return new(false, "AUTH: " + auth);
            }
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), timeout.Token);
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var reply = Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
            return new(reply == "+PONG", "PING: " + reply);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new(false, "PING: " + e.Message);
        }
    }
}

/// <summary>A probe's verdict and what it saw, shown in the status table and in startup errors.</summary>
internal sealed record HealthResult(bool Healthy, string Description);
