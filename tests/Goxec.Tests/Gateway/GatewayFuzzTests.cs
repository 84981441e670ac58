using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Goxec.Jobs;

namespace Goxec.Tests.Gateway;

/// <summary>Thousands of malformed requests (bounded, loopback only): every answer is a 4xx problem, none a 500.</summary>
[Collection(GatewayCollection.Name)]
public class GatewayFuzzTests(GatewayGraphFixture gateway)
{
    private const int Requests = 3000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Malformed_requests_all_get_4xx_the_api_stays_healthy_and_no_job_is_lost()
    {
        var key = await gateway.CreateKeyAsync("fuzz", rate: 1_000_000, burst: 1_000_000, maxConcurrentJobs: 1_000_000);
        var clients = Enumerable.Range(0, 3).Select(i => gateway.Client(i, key)).ToArray();
        var wrong = new ConcurrentBag<string>();
        var accepted = new ConcurrentBag<string>();
        var next = -1;

        async Task LoopAsync()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < Requests;)
            {
                var random = new Random(i);
                var valid = i % 50 == 0;
                using var request = valid ? ValidJob() : Malformed(random, i);
                // Kestrel answers an over-size body with 413 before reading it; waiting for 100-continue lets the
                // client read that answer instead of failing on a reset while it is still sending.
                request.Headers.ExpectContinue = request.Content?.Headers.ContentLength > 1_000_000;
                var shown = $"#{i} {request.Method} {request.RequestUri}";
                using var response = await clients[i % 3].SendAsync(request, Ct).WaitAsync(GatewayGraphFixture.Timeout, Ct);
                var status = (int)response.StatusCode;
                if (valid && status == 202) accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!);
                else if (valid || status is < 400 or >= 500) wrong.Add($"{shown} → {status} {await response.Content.ReadAsStringAsync(Ct)}");
                else if (status is not (404 or 405) && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    wrong.Add($"{shown} → {status} without a problem body");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => LoopAsync()));

        Assert.True(wrong.IsEmpty, $"{wrong.Count} wrong answers, e.g.:\n{string.Join('\n', wrong.Take(10))}");
        foreach (var client in clients)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct).WaitAsync(GatewayGraphFixture.Timeout, Ct)).StatusCode);
        Assert.Equal(Requests / 50, accepted.Count);
        var stored = await GatewayWorker.Store(gateway.Redis).GetStatusesAsync([.. accepted], Ct);
        Assert.All(stored, s => Assert.Equal("queued", s));
        var queued = (await gateway.Redis.GetDatabase().StreamRangeAsync(JobKeys.Stream)).Select(e => e["id"].ToString()).ToHashSet();
        Assert.Empty(accepted.Except(queued));
        foreach (var client in clients) client.Dispose();
    }

    private static HttpRequestMessage ValidJob() =>
        new(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(new { language = "python", code = "print(1)" }) };

    private static HttpRequestMessage Malformed(Random random, int i)
    {
        HttpRequestMessage Post(string path, byte[] body, string type = "application/json") =>
            new(HttpMethod.Post, path) { Content = new ByteArrayContent(body) { Headers = { { "Content-Type", type } } } };
        HttpRequestMessage Json(string json, string path = "/api/v1/jobs") => Post(path, Encoding.UTF8.GetBytes(json));
        var valid = """{"language":"python","code":"print(1)","stdin":"x","args":["a"]}""";
        string Text(int length) => new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(32, 127))]);

        return (i % 24) switch
        {
            0 => Post("/api/v1/jobs", RandomBytes(random, random.Next(0, 2000))),
            1 => Post("/api/v1/jobs", [.. "{\"language\":\"python\",\"code\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()]),
            2 => Json(valid[..random.Next(0, valid.Length - 1)]),
            3 => Json(new string('[', 5000)),
            4 => Json($$"""{"language":{{random.Next()}},"code":"x"}"""),
            5 => Json("""{"language":"python","files":"main.py"}"""),
            6 => Json("""{"language":"python","code":"x","args":{"a":1}}"""),
            7 => Json($$"""{"language":"python","code":"{{new string('x', 300_000)}}"}"""),
            8 => Json($$"""{"language":"python","code":"x","stdin":"{{new string('y', 1_100_000)}}"}"""),
            9 => Json("{\"language\":\"python\",\"files\":[" + string.Join(',', Enumerable.Range(0, 21).Select(n => $$"""{"name":"f{{n}}.py","content":"x"}""")) + "]}"),
            10 => Json($$"""{"language":"python","files":[{"name":"{{new[] { "../x", "a/b", ".env", "", new string('n', 101), "a\\u0000b", "c:\\\\x" }[random.Next(7)]}}","content":"x"}]}"""),
            11 => Json("""{"language":"python","code":"\ud800"}"""),
            12 => Json($$"""{"language":"{{Text(random.Next(1, 40)).Replace("\\", "").Replace("\"", "")}}","code":"x"}"""),
            13 => Json("""{"language":"python","code":"   "}"""),
            14 => Json($$"""{"language":"python","code":"x","callbackUrl":"{{new[] { "javascript:alert(1)", "http://", "gopher://x", "http://[::1", new string('h', 3000) }[random.Next(5)]}}"}"""),
            15 => Json(new[] { """{"jobs":{}}""", """{"jobs":[]}""", """{"jobs":[null]}""", "{\"jobs\":[" + string.Join(',', Enumerable.Repeat("1", 21)) + "]}" }[random.Next(4)], "/api/v1/jobs/batch"),
            16 => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs?ids={(random.Next(2) == 0 ? "" : string.Join(',', Enumerable.Range(0, 101).Select(n => $"i{n}")))}"),
            17 => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{Uri.EscapeDataString(Text(random.Next(1, 200)))}"),
            18 => new HttpRequestMessage(new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete }[random.Next(3)], "/api/v1/jobs"),
            19 => Post("/api/v1/jobs", Encoding.UTF8.GetBytes(valid), "text/plain"),
            20 => Json("""{"name":"x"}""", "/api/v1/keys"),
            21 => new HttpRequestMessage(HttpMethod.Get, "/api/v1/languages") { Headers = { { "X-Big", new string('h', 20_000) } } },
            22 => Json("""{"language":"python","code":"x","stdin":5}"""),
            _ => Json("""{"language":"python","code":"x","files":[{"name":"a.py","content":"x"}]}"""),
        };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
