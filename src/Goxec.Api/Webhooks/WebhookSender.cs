using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Goxec.Api.Webhooks;

/// <summary>
/// Sends one signed delivery (POST, or the format's method) through the <see cref="ClientName"/> client:
/// the <see cref="PipelineName"/> resilience pipeline retries a non-2xx answer, a failed connection or a
/// try that took longer than <c>WebhookTimeout</c>, with exponential backoff; every try is signed anew
/// (<see cref="WebhookSigningHandler"/>). The address check runs again on the address actually connected
/// to: a name that resolved to a public address at submission may resolve to 127.0.0.1 now (DNS
/// rebinding), and redirects are not followed for the same reason.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, ILogger<WebhookSender> logger)
{
    public const string ClientName = "goxec-webhooks";
    public const string PipelineName = "goxec-webhook";

    /// <summary>True when the receiver answered 2xx within the tries.</summary>
    public async Task<bool> DeliverAsync(string url, string deliveryId, byte[] body, CancellationToken ct, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Goxec-Delivery", deliveryId);
        request.Headers.UserAgent.ParseAdd("Goxec-Webhooks/1");
        string error;
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode) return true;
            error = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            error = e is HttpRequestException ? e.Message : "timed out";
        }
        logger.LogWarning("Webhook {Delivery} to {Url} failed after {Attempts} tries: {Error}", deliveryId, url, WebhookSigningHandler.Attempts(request), error);
        return false;
    }

    /// <summary>The client: the SSRF guard is the primary handler, then the retry pipeline, then signing per try.</summary>
    internal static void Configure(IServiceCollection services)
    {
        services.AddTransient<WebhookSigningHandler>();
        var client = services.AddHttpClient(ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                ConnectCallback = (context, ct) => ConnectAsync(context, provider.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateCallbacks, ct),
            });
        // Not the standard handler every other client gets: a webhook's tries and waits are the operator's settings.
#pragma warning disable EXTEXP0001 // Experimental, and the one way to take a client out of ConfigureHttpClientDefaults' handler.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler(PipelineName, (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.WebhookAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = settings.WebhookBackoff,
                ShouldRetryAfterHeader = false,
                // Any answer but 2xx is worth another try: the receiver may be deploying.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => !response.IsSuccessStatusCode,
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    _ => false,
                }),
            });
            pipeline.AddTimeout(settings.WebhookTimeout);
        });
        client.AddHttpMessageHandler<WebhookSigningHandler>();
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
}

/// <summary>Signs each try as it leaves (a fresh timestamp) and numbers it in <c>Goxec-Attempt</c>.</summary>
internal sealed class WebhookSigningHandler(IOptions<WebhookOptions> options, TimeProvider clock) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<int> s_attempt = new("Goxec.Webhook.Attempt");

    public static int Attempts(HttpRequestMessage request) => request.Options.TryGetValue(s_attempt, out var n) ? n : 0;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Attempts(request) + 1;
        request.Options.Set(s_attempt, attempt);
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        request.Headers.Remove(WebhookSignature.Header);
        request.Headers.Remove("Goxec-Attempt");
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(options.Value.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add("Goxec-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await base.SendAsync(request, cancellationToken);
    }
}
