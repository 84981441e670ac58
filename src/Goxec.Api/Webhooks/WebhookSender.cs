using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Webhooks;

/// <summary>
/// Sends one signed delivery (POST, or the format's method), retrying with exponential backoff. The address check runs again here, on
/// the address actually connected to: a name that resolved to a public address at submission may resolve
/// to 127.0.0.1 now (DNS rebinding), and redirects are not followed for the same reason.
/// </summary>
public sealed class WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookSender> logger) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = (context, ct) => ConnectAsync(context, options.Value.AllowPrivateCallbacks, ct),
    }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>True when the receiver answered 2xx within the tries.</summary>
    public async Task<bool> DeliverAsync(string url, string deliveryId, byte[] body, CancellationToken ct, HttpMethod? method = null)
    {
        var settings = options.Value;
        var delay = settings.WebhookBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var error = await TryOnceAsync(method ?? HttpMethod.Post, url, deliveryId, body, attempt, ct);
            if (error is null) return true;
            if (attempt >= settings.WebhookAttempts)
            {
                logger.LogWarning("Webhook {Delivery} to {Url} failed after {Attempts} tries: {Error}", deliveryId, url, attempt, error);
                return false;
            }
            logger.LogInformation("Webhook {Delivery} try {Attempt} failed ({Error}); retrying in {Delay}", deliveryId, attempt, error, delay);
            await Task.Delay(delay, clock, ct);
            delay *= 2;
        }
    }

    private async Task<string?> TryOnceAsync(HttpMethod method, string url, string deliveryId, byte[] body, int attempt, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.WebhookTimeout);
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(options.Value.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add("Goxec-Delivery", deliveryId);
        request.Headers.Add("Goxec-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.ParseAdd("Goxec-Webhooks/1");
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return e is OperationCanceledException ? "timed out" : e.Message;
        }
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => allowPrivate || CallbackAddresses.IsPublic(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"'{host}' resolves to no public address ({string.Join(", ", addresses.Select(a => a.ToString()))}); refused.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();
}
