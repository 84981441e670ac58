using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Jobs;

namespace Goxec.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public class GatewayRateLimitTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_over_three_replicas_gets_the_keys_rate_once_while_another_key_flows()
    {
        const double rate = 10;
        const int burst = 10;
        var hot = await gateway.CreateKeyAsync("hot", rate, burst);
        var calm = await gateway.CreateKeyAsync("calm", rate, burst);
        var clients = Enumerable.Range(0, 3).Select(i => gateway.Client(i, hot)).ToArray();
        var calmClients = Enumerable.Range(0, 3).Select(i => gateway.Client(i, calm)).ToArray();
        var duration = TimeSpan.FromSeconds(4);
        int allowed = 0, limited = 0, calmRefused = 0;
        var clock = Stopwatch.StartNew();

        async Task HammerAsync(int loop)
        {
            for (var i = loop; clock.Elapsed < duration; i++)
            {
                using var response = await clients[i % 3].GetAsync("/api/v1/jobs/nothere", Ct).WaitAsync(Timeout, Ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref limited);
                else Interlocked.Increment(ref allowed);
            }
        }
        async Task CalmAsync()
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                using var response = await calmClients[i % 3].GetAsync("/api/v1/jobs/nothere", Ct).WaitAsync(Timeout, Ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref calmRefused);
                await Task.Delay(400, Ct);
            }
        }
        await Task.WhenAll([.. Enumerable.Range(0, 24).Select(HammerAsync), CalmAsync()]);
        var elapsed = clock.Elapsed.TotalSeconds;

        var expected = burst + rate * elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"three replicas, {elapsed:F2} s: {allowed} allowed ({(allowed - burst) / elapsed:F2}/s after the burst), {limited} limited; configured {rate}/s + burst {burst} = {expected:F1}");
        Assert.True(limited > allowed, $"the hammer must outrun the limit: {allowed} allowed, {limited} limited");
        Assert.InRange(allowed, expected * 0.85, expected * 1.1 + 2);
        Assert.Equal(0, calmRefused);
        foreach (var c in clients.Concat(calmClients)) c.Dispose();
    }

    [Fact]
    public async Task Rejections_are_429_problems_with_retry_after_and_ratelimit_headers()
    {
        var key = await gateway.CreateKeyAsync("tiny", rate: 0.5, burst: 2);
        using var http = gateway.Client(1, key);
        using var first = await http.GetAsync("/api/v1/languages", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal("2", first.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal("1", first.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Contains("2;w=", first.Headers.GetValues("RateLimit-Policy").Single());
        using var second = await http.GetAsync("/api/v1/languages", Ct).WaitAsync(Timeout, Ct);
        using var third = await http.GetAsync("/api/v1/languages", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single()), 1, 2);
        Assert.Equal("0", third.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.True(int.Parse(third.Headers.GetValues("RateLimit-Reset").Single()) >= 1);
        var problem = await third.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("0.5 requests per second", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_rotating_forwarded_for_from_an_untrusted_peer_does_not_escape_the_anonymous_limit()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < GatewayGraphFixture.AnonymousBurst + 6; i++)
        {
            using var http = gateway.Client(i % 3);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/languages");
            request.Headers.Add("X-Forwarded-For", i % 2 == 0 ? $"203.0.113.{i}" : $"2001:db8:{i:x}::1");
            using var response = await http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
            answers.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        Assert.InRange(answers.Count(a => a == HttpStatusCode.OK), 0, GatewayGraphFixture.AnonymousBurst + 1);
    }

    [Fact]
    public async Task A_key_over_its_concurrent_job_cap_gets_429_until_a_job_finishes()
    {
        var key = await gateway.CreateKeyAsync("capped", rate: 100, burst: 100, maxConcurrentJobs: 2);
        using var http = gateway.Client(2, key);
        var job = new { language = "python", code = "print(1)" };
        using var a = await http.PostAsJsonAsync("/api/v1/jobs", job, Ct).WaitAsync(Timeout, Ct);
        using var b = await http.PostAsJsonAsync("/api/v1/jobs", job, Ct).WaitAsync(Timeout, Ct);
        using var c = await http.PostAsJsonAsync("/api/v1/jobs", job, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, c.StatusCode);
        Assert.Contains("unfinished", (await c.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());

        var id = (await a.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await GatewayWorker.FinishAsync(gateway.Redis, id);
        using var d = await http.PostAsJsonAsync("/api/v1/jobs", job, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, d.StatusCode);
    }

    [Fact]
    public async Task Submissions_get_503_with_retry_after_while_the_backlog_is_over_its_cap()
    {
        var key = await gateway.CreateKeyAsync("backlog", rate: 100, burst: 100);
        using var http = gateway.Client(0, key);
        var db = gateway.Redis.GetDatabase();
        var ids = await Task.WhenAll(Enumerable.Range(0, (int)GatewayGraphFixture.MaxBacklog + 1)
            .Select(_ => db.StreamAddAsync(JobKeys.Stream, [new("id", "filler"), new("v", "0")])));
        try
        {
            await Task.Delay(300, Ct); // past the backlog cache time
            using var refused = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)" }, Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("waiting", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
            using var reads = await http.GetAsync("/api/v1/languages", Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.OK, reads.StatusCode);
        }
        finally
        {
            await db.StreamDeleteAsync(JobKeys.Stream, ids);
        }
        await Task.Delay(300, Ct);
        using var accepted = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)" }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }
}
