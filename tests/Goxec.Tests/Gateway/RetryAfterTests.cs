using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Gateway;

/// <summary>Every 429 and 503 tells the client when to come back: one test per way of being refused.</summary>
[Collection(GatewayCollection.Name)]
public class RetryAfterTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly object Job = new { language = "python", code = "print(1)" };

    [Fact]
    public async Task A_batch_that_needs_more_tokens_than_are_left_is_told_when_they_will_be()
    {
        using var http = gateway.Client(0, await gateway.CreateKeyAsync("batch-tokens", rate: 0.5, burst: 3));
        var body = "{\"jobs\":[" + string.Join(',', Enumerable.Repeat("""{"language":"python","code":"print(1)"}""", 5)) + "]}";
        using var refused = await http.PostAsync("/api/v1/jobs/batch", new StringContent(body, Encoding.UTF8, "application/json"), Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        AssertRetryAfter(refused, 1, 10); // 2 tokens short at 0.5/s: about 4 s
        Assert.Contains("5 tokens", await DetailAsync(refused));
    }

    [Fact]
    public async Task Too_many_unfinished_jobs_is_a_429_with_retry_after_on_every_api_that_submits()
    {
        using var http = gateway.Client(1, await gateway.CreateKeyAsync("one-at-a-time", rate: 100, burst: 100, maxConcurrentJobs: 1));
        using var first = await http.PostAsJsonAsync("/api/v1/jobs", Job, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode); // no worker here: it stays unfinished

        using var v1 = await http.PostAsJsonAsync("/api/v1/jobs", Job, Ct).WaitAsync(Timeout, Ct);
        using var batch = await http.PostAsJsonAsync("/api/v1/jobs/batch", new { jobs = new[] { Job } }, Ct).WaitAsync(Timeout, Ct);
        using var judge0 = await http.PostAsJsonAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71 }, Ct).WaitAsync(Timeout, Ct);
        using var piston = await http.PostAsJsonAsync("/api/v2/execute",
            new { language = "python", version = "*", files = new[] { new { content = "print(1)" } } }, Ct).WaitAsync(Timeout, Ct);

        foreach (var refused in new[] { v1, batch, judge0, piston })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            AssertRetryAfter(refused, 1, 5);
        }
        Assert.Contains("unfinished", await DetailAsync(v1));
        Assert.Contains("unfinished", await DetailAsync(batch));
        // Piston's clients read {"message"}.
        Assert.Contains("unfinished", (await piston.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task With_redis_away_a_submission_and_the_health_endpoint_are_503_with_retry_after()
    {
        // Redis and the Api, without workers and without the restart policy, so Redis stays away once killed.
        await using var app = await RunningGraph.StartAsync(new GoxecGraphOptions { ApiPort = 0, BuildWeb = false, RestartDelay = TimeSpan.Zero }, Ct,
            builder => builder.Resources.Remove(builder.Resources.Single(r => r.Name == "worker"))).WaitAsync(TimeSpan.FromMinutes(4), Ct);
        using var http = new HttpClient { BaseAddress = app.GetEndpoint("api"), Timeout = Timeout };

        await app.GetResource("redis").KillAsync(Signal.SIGKILL, Ct).WaitAsync(Timeout, Ct);
        using var submitted = await http.PostAsJsonAsync("/api/v1/jobs", Job, Ct).WaitAsync(Timeout, Ct);
        using var health = await http.GetAsync("/health", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, submitted.StatusCode);
        AssertRetryAfter(submitted, 1, 5);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        AssertRetryAfter(health, 1, 30);
    }

    private static void AssertRetryAfter(HttpResponseMessage response, int min, int max)
    {
        Assert.True(response.Headers.RetryAfter?.Delta is not null, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri} has no Retry-After in seconds");
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, min, max);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct)).GetProperty("detail").GetString()!;
}
