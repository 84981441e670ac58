using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Api.Webhooks;

namespace Goxec.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public class GatewayWebhookTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_finished_job_is_posted_once_signed_and_retried_after_a_failure()
    {
        using var receiver = new WebhookReceiver(failFirst: 1);
        var key = await gateway.CreateKeyAsync("hooks", 100, 100);
        using var http = gateway.Client(1, key);
        using var submitted = await http.PostAsJsonAsync("/api/v1/jobs",
            new { language = "python", code = "print(1)", callbackUrl = receiver.Url + "hook?x=1" }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

        await GatewayWorker.FinishAsync(gateway.Redis, id);
        var delivery = await receiver.Succeeded.Task.WaitAsync(Timeout, Ct);
        await Task.Delay(1500, Ct); // time for any replica that would deliver it again

        Assert.Equal(2, receiver.Requests.Count); // one failure (500), one success; no other replica delivered it
        Assert.Equal("2", delivery.Headers["Goxec-Attempt"]);
        Assert.True(WebhookSignature.Verify(GatewayGraphFixture.WebhookSecret, delivery.Headers[WebhookSignature.Header]!, delivery.Body,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), delivery.Headers[WebhookSignature.Header]);
        Assert.False(WebhookSignature.Verify("another-secret", delivery.Headers[WebhookSignature.Header]!, delivery.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var job = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal(id, job.GetProperty("id").GetString());
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal("accepted", job.GetProperty("verdict").GetString());
    }

    [Theory]
    [InlineData("ftp://example.com/x", "absolute http or https")]
    [InlineData("/relative", "absolute http or https")]
    [InlineData("http://user:pw@example.com/", "credentials")]
    [InlineData("http://nonexistent.invalid/", "does not resolve")]
    public async Task Bad_callback_urls_are_400_problems_on_callbackUrl(string url, string message)
    {
        var key = await gateway.CreateKeyAsync("badhooks", 100, 100);
        using var http = gateway.Client(0, key);
        using var response = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)", callbackUrl = url }, Ct).WaitAsync(Timeout, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty("callbackUrl")[0].GetString());
    }

    internal sealed record Delivery(Dictionary<string, string?> Headers, byte[] Body, string Method = "POST");

    /// <summary>A tiny HTTP receiver on 127.0.0.1 that fails its first <c>failFirst</c> requests with 500.</summary>
    internal sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _failures;

        public WebhookReceiver(int failFirst)
        {
            _failures = failFirst;
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }
        public ConcurrentQueue<Delivery> Requests { get; } = new();
        public TaskCompletionSource<Delivery> Succeeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var delivery = new Delivery(context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]), body.ToArray(), context.Request.HttpMethod);
                Requests.Enqueue(delivery);
                var fail = Interlocked.Decrement(ref _failures) >= 0;
                context.Response.StatusCode = fail ? 500 : 204;
                context.Response.Close();
                if (!fail) Succeeded.TrySetResult(delivery);
            }
        }

        private static int FreePort()
        {
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        public void Dispose() => _listener.Close();
    }
}
