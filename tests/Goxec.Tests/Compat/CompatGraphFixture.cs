using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Compat;

/// <summary>The real graph with the server's default limits, spoken to in Judge0's and Piston's dialects.</summary>
public sealed class CompatGraphFixture : GoxecGraphFixture
{
    public const string WebhookSecret = "compat-test-secret";

    // Callbacks on, and allowed to reach the test's own receiver on loopback.
    protected override Dictionary<string, string> Environment() => new()
    {
        ["Worker__Concurrency"] = "2",
        ["Gateway__WebhookSecret"] = WebhookSecret,
        ["Gateway__AllowPrivateCallbacks"] = "true",
        ["Gateway__WebhookBackoff"] = "00:00:00.200",
    };

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Http.SendAsync(request, ct).WaitAsync(Timeout, ct);
        var text = await response.Content.ReadAsStringAsync(ct).WaitAsync(Timeout, ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(int Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Status, JsonElement Body)> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);
}

[CollectionDefinition(Name)]
public sealed class CompatCollection : ICollectionFixture<CompatGraphFixture>
{
    public const string Name = "compat";
}
