using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Goxec.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public class GatewayApiTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_are_created_listed_used_and_revoked_by_the_admin_on_any_replica()
    {
        var secret = await gateway.CreateKeyAsync("lifecycle", 50, 50, 7);
        using var admin = gateway.Client(2, GatewayGraphFixture.AdminKey);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/keys", Ct).WaitAsync(Timeout, Ct);
        var key = listed.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "lifecycle");
        Assert.False(key.TryGetProperty("key", out _)); // the secret is shown once, at creation
        Assert.Equal(7, key.GetProperty("maxConcurrentJobs").GetInt32());
        var stored = await gateway.Redis.GetDatabase().HashGetAllAsync(Goxec.Jobs.JobKeys.ApiKeys);
        Assert.NotEmpty(stored);
        Assert.DoesNotContain(stored, e => e.Name.ToString().Contains(secret) || e.Value.ToString().Contains(secret));

        using var user = gateway.Client(1);
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, "/api/v1/languages") { Headers = { { "X-Api-Key", secret } } };
        Assert.Equal(HttpStatusCode.OK, (await user.SendAsync(withHeader, Ct).WaitAsync(Timeout, Ct)).StatusCode);

        using var delete = await admin.DeleteAsync($"/api/v1/keys/{key.GetProperty("id").GetString()}", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var revoked = gateway.Client(0, secret);
        using var refused = await revoked.GetAsync("/api/v1/languages", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Operator_endpoints_need_the_admin_key_and_say_so()
    {
        var secret = await gateway.CreateKeyAsync("not-admin", 50, 50);
        using var user = gateway.Client(0, secret);
        using var anonymous = gateway.Client(0);

        using var retry = await user.PostAsync("/api/v1/dead-letters/abc/retry", null, Ct).WaitAsync(Timeout, Ct);
        using var delete = await user.DeleteAsync("/api/v1/dead-letters/abc", Ct).WaitAsync(Timeout, Ct);
        using var keys = await user.GetAsync("/api/v1/keys", Ct).WaitAsync(Timeout, Ct);
        using var anonymousKeys = await anonymous.PostAsJsonAsync("/api/v1/keys", new { name = "x" }, Ct).WaitAsync(Timeout, Ct);
        using var admin = gateway.Client(0, GatewayGraphFixture.AdminKey);
        using var adminRetry = await admin.PostAsync("/api/v1/dead-letters/abc/retry", null, Ct).WaitAsync(Timeout, Ct);

        Assert.All([retry, delete, keys, anonymousKeys], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Contains("admin key", (await retry.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, adminRetry.StatusCode);
    }

    [Fact]
    public async Task An_idempotency_key_is_scoped_to_its_caller()
    {
        using var alice = gateway.Client(0, await gateway.CreateKeyAsync("alice", 50, 50));
        using var mallory = gateway.Client(1, await gateway.CreateKeyAsync("mallory", 50, 50));
        async Task<string> SubmitAsync(HttpClient http, string code)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(new { language = "python", code }) };
            request.Headers.Add("Idempotency-Key", "order-42");
            using var response = await http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        }

        var first = await SubmitAsync(alice, "print('alice')");
        var again = await SubmitAsync(alice, "print('alice')");
        var other = await SubmitAsync(mallory, "print('mallory')");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Every_endpoint_takes_an_idempotency_key_of_up_to_255_bytes_and_refuses_a_longer_one_naming_the_header()
    {
        using var http = gateway.Client(2, await gateway.CreateKeyAsync("idem-length", 100, 100));
        async Task<HttpResponseMessage> SendAsync(string path, object body, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
        }
        var job = new { language = "python", code = "print(1)" };
        var batch = new { jobs = new[] { job } };
        var longest = new string('k', 255);
        var tooLong = new string('k', 256);

        using var single = await SendAsync("/api/v1/jobs", job, longest);
        using var many = await SendAsync("/api/v1/jobs/batch", batch, longest);
        using var singleRefused = await SendAsync("/api/v1/jobs", job, tooLong);
        using var manyRefused = await SendAsync("/api/v1/jobs/batch", batch, tooLong);

        Assert.Equal(HttpStatusCode.Accepted, single.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, many.StatusCode);
        foreach (var refused in new[] { singleRefused, manyRefused })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
            Assert.Contains("255 bytes", errors.GetProperty("Idempotency-Key")[0].GetString());
        }
    }

    [Fact]
    public async Task A_batch_answers_each_job_and_ids_lookup_returns_each_job()
    {
        using var http = gateway.Client(1, await gateway.CreateKeyAsync("batch", 100, 100));
        var body = """{"jobs":[{"language":"python","code":"print(1)"},{"language":"pyton","code":"x"},7,{"language":"c","code":""}]}""";
        using var response = await http.PostAsync("/api/v1/jobs/batch", new StringContent(body, Encoding.UTF8, "application/json"), Ct).WaitAsync(Timeout, Ct);
        var jobs = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("jobs");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = jobs[0].GetProperty("id").GetString()!;
        Assert.Contains("python", jobs[1].GetProperty("problem").GetProperty("errors").GetProperty("jobs[1].language")[0].GetString());
        Assert.True(jobs[2].GetProperty("problem").GetProperty("errors").TryGetProperty("jobs[2]", out _));
        Assert.True(jobs[3].GetProperty("problem").GetProperty("errors").TryGetProperty("jobs[3].code", out _));

        var lookup = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs?ids={id},missing1", Ct).WaitAsync(Timeout, Ct)).GetProperty("jobs");
        Assert.Equal("queued", lookup[0].GetProperty("job").GetProperty("status").GetString());
        Assert.Equal(404, lookup[1].GetProperty("problem").GetProperty("status").GetInt32());

        var tooMany = "{\"jobs\":[" + string.Join(',', Enumerable.Repeat("""{"language":"python","code":"1"}""", 21)) + "]}";
        using var refused = await http.PostAsync("/api/v1/jobs/batch", new StringContent(tooMany, Encoding.UTF8, "application/json"), Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("jobs", out _));
    }

    [Fact]
    public async Task Foreign_origins_are_refused_on_requests_and_websocket_connects_while_allowed_ones_get_cors()
    {
        using var http = gateway.Client(0, GatewayGraphFixture.AdminKey);
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/v1/languages") { Headers = { { "Origin", "https://evil.example" } } };
        using var foreignAnswer = await http.SendAsync(foreign, Ct).WaitAsync(Timeout, Ct);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/languages") { Headers = { { "Origin", "https://ide.example.com" } } };
        using var allowedAnswer = await http.SendAsync(allowed, Ct).WaitAsync(Timeout, Ct);
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        var uri = new UriBuilder(gateway.Replicas[0]) { Scheme = "ws", Path = "/api/v1/jobs/x/stream" }.Uri;
        var connect = await Record.ExceptionAsync(() => socket.ConnectAsync(uri, Ct).WaitAsync(Timeout, Ct));

        Assert.Equal(HttpStatusCode.Forbidden, foreignAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowedAnswer.StatusCode);
        Assert.Equal("https://ide.example.com", allowedAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("403", connect?.Message ?? "connected");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_real_endpoints_and_the_page_renders_it()
    {
        using var http = gateway.Client(2);
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct).WaitAsync(Timeout, Ct);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/batch", "/api/v1/keys", "/api/v1/keys/{id}", "/api/v1/languages", "/api/v1/stats" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(paths.GetProperty("/api/v1/jobs").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(paths.GetProperty("/api/v1/jobs").GetProperty("post").TryGetProperty("requestBody", out _));

        // How to authenticate: both ways the gateway reads a key, required where the gateway requires it.
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-Api-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.Equal("header", schemes.GetProperty("apiKey").GetProperty("in").GetString());
        string[] Requirements(string path, string method) => [.. paths.GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray()
            .Select(r => string.Join('+', r.EnumerateObject().Select(p => p.Name))).Order()];
        // This graph lets anonymous callers submit (an empty requirement: a key is optional); only the admin key manages keys.
        Assert.Equal(["", "apiKey", "bearer"], Requirements("/api/v1/jobs", "post"));
        Assert.Equal(["apiKey", "bearer"], Requirements("/api/v1/keys", "post"));

        // Scalar renders it, from the package's own script: nothing comes from a CDN.
        var page = await http.GetStringAsync("/api/docs", Ct).WaitAsync(Timeout, Ct);
        Assert.Contains("openapi/v1.json", page);
        Assert.Contains("<script src=\"scalar.js\"></script>", page);
        Assert.DoesNotContain("https://", page);
        using var script = await http.GetAsync("/api/docs/scalar.js", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
    }
}
