namespace Goxec.Tests.Observability;

public class MetricsEndpointTests(ObservabilityGraphFixture graph) : IClassFixture<ObservabilityGraphFixture>
{
    [Fact]
    public async Task Api_and_workers_expose_prometheus_text_whose_job_counters_move()
    {
        var workers = graph.App.GetReplicas("worker").Select(w => w.Endpoint!).ToArray();
        var submittedBefore = (await ScrapeAsync(graph.App.GetEndpoint("api"))).Total("goxec_jobs_submitted_total");
        var completedBefore = 0.0;
        foreach (var worker in workers) completedBefore += (await ScrapeAsync(worker)).Total("goxec_jobs_completed_total");

        await graph.RunAsync(new { language = "python", code = "print('metered')" });

        var api = await ScrapeAsync(graph.App.GetEndpoint("api"));
        Assert.Equal(submittedBefore + 1, api.Total("goxec_jobs_submitted_total"));
        Assert.Equal("counter", api.Types["goxec_jobs_submitted_total"]);
        var scrapes = new List<PrometheusParser>();
        foreach (var worker in workers) scrapes.Add(await ScrapeAsync(worker));
        Assert.Equal(completedBefore + 1, scrapes.Sum(s => s.Total("goxec_jobs_completed_total")));
        var worked = scrapes.Single(s => s.Samples.Any(x => x.Name == "goxec_jobs_completed_total"
            && x.Labels.GetValueOrDefault("verdict") == "accepted" && x.Labels.GetValueOrDefault("language") == "python"));
        Assert.Equal("histogram", worked.Types["goxec_job_duration_seconds"]);
        Assert.Equal("histogram", worked.Types["goxec_sandbox_start_seconds"]);
        Assert.Equal("histogram", worked.Types["goxec_job_queue_wait_seconds"]);
        Assert.Contains(worked.Samples, s => s.Name == "goxec_stage_duration_seconds_count" && s.Labels.GetValueOrDefault("stage") == "run");
        Assert.Equal(0, worked.Total("goxec_containers_running"));
    }

    private async Task<PrometheusParser> ScrapeAsync(Uri endpoint)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await graph.Http.GetAsync(new Uri(endpoint, "/metrics"), ct).WaitAsync(ObservabilityGraphFixture.Timeout, ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var text = await response.Content.ReadAsStringAsync(ct);
        var parsed = PrometheusParser.Parse(text);
        Assert.True(parsed.Errors.Count == 0, $"{endpoint}metrics is not valid Prometheus text:\n{string.Join('\n', parsed.Errors)}\n---\n{text}");
        return parsed;
    }
}
