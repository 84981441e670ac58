using System.Net;

namespace Goxec.Tests.Gateway;

/// <summary>
/// A browser on another origin: its preflight, then the request itself, for a listed origin and under <c>*</c>. The
/// requests carry a key of their own: the anonymous bucket is shared with the collection's other tests, some of which
/// empty it on purpose.
/// </summary>
[Collection(GatewayCollection.Name)]
public class CrossOriginTests(GatewayGraphFixture gateway)
{
    private const string ListedOrigin = "https://ide.example.com";
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listed_origin_gets_a_preflight_naming_the_apis_methods_and_headers_and_then_its_answer()
    {
        using var http = new HttpClient { BaseAddress = gateway.Replicas[0], Timeout = Timeout };
        using var preflight = await PreflightAsync(http, ListedOrigin, "POST", "content-type,authorization,idempotency-key");

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(ListedOrigin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        AssertNamesTheApisMethodsAndHeaders(preflight);

        using var get = await GetAsync(http, ListedOrigin, "/api/v1/languages", await KeyAsync());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(ListedOrigin, get.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("RateLimit-Remaining", string.Join(",", get.Headers.GetValues("Access-Control-Expose-Headers")));

        using var foreign = await PreflightAsync(http, "https://elsewhere.example", "POST", "content-type");
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Under_a_star_any_origin_gets_the_preflight_and_the_answer()
    {
        using var http = new HttpClient { BaseAddress = gateway.AnyOriginApi, Timeout = Timeout };
        var key = await KeyAsync();
        foreach (var origin in new[] { "https://ide.judge0.example", "http://127.0.0.1:9999" })
        {
            using var preflight = await PreflightAsync(http, origin, "POST", "content-type,x-api-key");
            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal("*", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
            AssertNamesTheApisMethodsAndHeaders(preflight);

            using var get = await GetAsync(http, origin, "/judge0/languages", key);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("*", get.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://ide.judge0.example");
        socket.Options.SetRequestHeader("X-Api-Key", key);
        var uri = new UriBuilder(gateway.AnyOriginApi) { Scheme = "ws", Path = "/api/v1/run" }.Uri;
        await socket.ConnectAsync(uri, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
        socket.Abort();
    }

    private static void AssertNamesTheApisMethodsAndHeaders(HttpResponseMessage preflight)
    {
        var methods = Values(preflight, "Access-Control-Allow-Methods");
        var headers = Values(preflight, "Access-Control-Allow-Headers");
        Assert.Equal(["delete", "get", "post"], methods.Order());
        foreach (var header in new[] { "authorization", "content-type", "idempotency-key", "last-event-id", "x-api-key" })
            Assert.Contains(header, headers);
        Assert.True(int.Parse(preflight.Headers.GetValues("Access-Control-Max-Age").Single()) > 0);
    }

    private static string[] Values(HttpResponseMessage response, string header) =>
        [.. response.Headers.GetValues(header).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(v => v.ToLowerInvariant())];

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/jobs");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
    }

    private Task<string> KeyAsync() => gateway.CreateKeyAsync("cross-origin", rate: 100, burst: 100);

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string origin, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
    }
}
