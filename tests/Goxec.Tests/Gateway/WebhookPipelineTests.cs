using System.Net;
using Goxec.Api.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Goxec.Tests.Gateway;

/// <summary>The webhook client's resilience pipeline in process, against a real local receiver.</summary>
public class WebhookPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the Api registers for webhooks, with these settings (private callbacks allowed: the receiver is on loopback).</summary>
    public static ServiceProvider Services(WebhookOptions settings)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddOptions<WebhookOptions>().Configure(o =>
        {
            o.WebhookSecret = settings.WebhookSecret;
            o.AllowPrivateCallbacks = settings.AllowPrivateCallbacks;
            o.WebhookAttempts = settings.WebhookAttempts;
            o.WebhookBackoff = settings.WebhookBackoff;
            o.WebhookTimeout = settings.WebhookTimeout;
        });
        // As every Goxec service has it: a client that forgot RemoveAllResilienceHandlers would retry twice over.
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        services.AddSingleton<WebhookSender>();
        WebhookSender.Configure(services);
        return services.BuildServiceProvider();
    }

    private static WebhookOptions Settings(int attempts) => new()
    {
        WebhookSecret = "pipeline-secret", AllowPrivateCallbacks = true, WebhookAttempts = attempts,
        WebhookBackoff = TimeSpan.FromMilliseconds(20), WebhookTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task A_failed_try_is_retried_numbered_and_signed_anew()
    {
        using var receiver = new GatewayWebhookTests.WebhookReceiver(failFirst: 2);
        await using var services = Services(Settings(attempts: 5));

        var delivered = await services.GetRequiredService<WebhookSender>().DeliverAsync(receiver.Url, "d1", "{\"id\":1}"u8.ToArray(), Ct);

        Assert.True(delivered);
        var tries = receiver.Requests.ToArray();
        Assert.Equal(["1", "2", "3"], tries.Select(t => t.Headers["Goxec-Attempt"]));
        Assert.All(tries, t => Assert.Equal("d1", t.Headers["Goxec-Delivery"]));
        Assert.All(tries, t => Assert.True(WebhookSignature.Verify("pipeline-secret", t.Headers[WebhookSignature.Header]!, t.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task Delivery_gives_up_after_the_configured_tries()
    {
        using var receiver = new GatewayWebhookTests.WebhookReceiver(failFirst: 100);
        await using var services = Services(Settings(attempts: 3));

        var delivered = await services.GetRequiredService<WebhookSender>().DeliverAsync(receiver.Url, "d2", "{}"u8.ToArray(), Ct);

        Assert.False(delivered);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_given_up_on_after_each_try_times_out()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the backlog) and never answers
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/";
        var settings = Settings(attempts: 2);
        settings.WebhookTimeout = TimeSpan.FromMilliseconds(300);
        await using var services = Services(settings);

        var delivered = await services.GetRequiredService<WebhookSender>().DeliverAsync(url, "d3", "{}"u8.ToArray(), Ct)
            .WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.False(delivered);
    }
}
