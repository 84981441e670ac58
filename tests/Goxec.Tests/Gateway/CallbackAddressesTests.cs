using System.Net;
using Goxec.Api.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Goxec.Tests.Gateway;

public class CallbackAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped IPv6
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")] // NAT64 of 10.0.0.1
    [InlineData("2002:7f00:1::1")] // 6to4 of 127.0.0.1
    public void Private_loopback_link_local_multicast_and_unspecified_are_refused(string address) =>
        Assert.False(CallbackAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(CallbackAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://localhost/hook")]
    public async Task Submission_refuses_urls_that_resolve_inside(string url)
    {
        Assert.Contains("not a public address", await CallbackAddresses.ProblemAsync(url, allowPrivate: false, TestContext.Current.CancellationToken));
        Assert.Null(await CallbackAddresses.ProblemAsync(url, allowPrivate: true, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Delivery_checks_the_address_again_when_it_connects()
    {
        // As after DNS rebinding: the URL reaches the sender, but what it connects to is loopback.
        using var receiver = new GatewayWebhookTests.WebhookReceiver(failFirst: 0);
        await using var services = WebhookPipelineTests.Services(new WebhookOptions { WebhookSecret = "s", WebhookAttempts = 2, WebhookBackoff = TimeSpan.Zero });
        var sender = services.GetRequiredService<WebhookSender>();

        var delivered = await sender.DeliverAsync(receiver.Url, "d1", "{}"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.False(delivered);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public void Signatures_verify_only_with_the_secret_the_body_and_a_fresh_timestamp()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var header = WebhookSignature.Create("k", now.ToUnixTimeSeconds(), "{\"a\":1}"u8);

        Assert.Matches("^t=1700000000,v1=[0-9a-f]{64}$", header);
        Assert.True(WebhookSignature.Verify("k", header, "{\"a\":1}"u8, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", header, "{\"a\":2}"u8, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", header, "{\"a\":1}"u8, now.AddMinutes(10), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("k", "t=1,v1=zz", "{}"u8, now, TimeSpan.FromMinutes(5)));
    }
}
