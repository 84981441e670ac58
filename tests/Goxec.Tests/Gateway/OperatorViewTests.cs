using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Goxec.Tests.Gateway;

/// <summary>With the defaults (Gateway:OpenOperatorViews off) stats, dead letters and /metrics are the admin's; /health stays open.</summary>
[Collection(GatewayCollection.Name)]
public class OperatorViewTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v1/stats")]
    [InlineData("/api/v1/dead-letters")]
    [InlineData("/metrics")]
    public async Task An_operator_view_answers_the_admin_only(string path)
    {
        using var anonymous = gateway.ClientFrom("127.0.0.31");
        using var user = gateway.Client(1, await gateway.CreateKeyAsync("not-the-operator", 100, 100));
        using var wrongKey = gateway.Client(2, "gxk_not-a-key");
        using var admin = gateway.Client(0, GatewayGraphFixture.AdminKey);

        using var byAnonymous = await anonymous.GetAsync(path, Ct).WaitAsync(Timeout, Ct);
        using var byUser = await user.GetAsync(path, Ct).WaitAsync(Timeout, Ct);
        using var byWrongKey = await wrongKey.GetAsync(path, Ct).WaitAsync(Timeout, Ct);
        using var byAdmin = await admin.GetAsync(path, Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
        Assert.Contains("admin key", (await byUser.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, byWrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
    }

    [Fact]
    public async Task The_health_summary_stays_open_and_names_no_job()
    {
        using var anonymous = gateway.ClientFrom("127.0.0.32");
        using var health = await anonymous.GetAsync("/health", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.All(body.GetProperty("checks").EnumerateObject(), c => Assert.False(c.Value.TryGetProperty("data", out _), c.Name));
    }
}
