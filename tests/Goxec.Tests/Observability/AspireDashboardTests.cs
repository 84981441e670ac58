using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Tests.Browser;
using Microsoft.Playwright;

namespace Goxec.Tests.Observability;

/// <summary>The real graph with Aspire's dashboard on (as <c>./goxec up</c> runs it), and headless Chromium.</summary>
public sealed class AspireDashboardFixture : BrowserGraphFixture
{
    protected override bool Dashboard => true;

    public Uri DashboardUrl => App.DashboardUrl ?? throw new InvalidOperationException("The dashboard is not running.");
}

[CollectionDefinition(Name)]
public sealed class AspireDashboardCollection : ICollectionFixture<AspireDashboardFixture>
{
    public const string Name = "aspire-dashboard";
}

/// <summary>
/// Aspire's dashboard shows the running system: its resources page lists redis, the api, the web build and
/// each worker replica; its telemetry API has the api's and both workers' telemetry, and one job's trace
/// runs from the Api's request through the stream to a worker's sandbox spans, with the Redis commands of both.
/// </summary>
[Collection(AspireDashboardCollection.Name)]
public sealed class AspireDashboardTests(AspireDashboardFixture graph)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_telemetry_api_has_the_api_and_both_workers_and_a_jobs_trace_spans_api_worker_and_redis()
    {
        var job = await graph.RunAsync(new { language = "python", code = "print('seen by the dashboard')" });
        var id = job.GetProperty("id").GetString()!;
        using var dashboard = new HttpClient { BaseAddress = graph.DashboardUrl, Timeout = Timeout };

        var resources = await EventuallyAsync(async () =>
        {
            var list = await dashboard.GetFromJsonAsync<JsonElement>("/api/telemetry/resources", Ct);
            var names = list.EnumerateArray().Select(r => (Name: r.GetProperty("name").GetString(), Instance: r.GetProperty("instanceId").GetString())).ToList();
            return names.Count(n => n.Name == "api") >= 1 && names.Count(n => n.Name == "worker") >= 2 ? names : null;
        }, "api and two worker replicas in /api/telemetry/resources");
        Assert.Equal(2, resources.Where(r => r.Name == "worker").Select(r => r.Instance).Distinct().Count());

        var trace = await EventuallyAsync(async () =>
        {
            var traceId = TraceOfJob(await dashboard.GetFromJsonAsync<JsonElement>("/api/telemetry/traces", Ct), id);
            if (traceId is null) return null;
            var spans = Spans(await dashboard.GetFromJsonAsync<JsonElement>($"/api/telemetry/traces/{traceId}", Ct)).ToList();
            // The request span ends just after the response, and Redis's spans are exported in batches: wait for them too.
            return spans.Any(s => s.Service == "api" && s.Kind == 2) && spans.Any(s => s.Service == "api" && IsRedis(s))
                && spans.Any(s => s.Service == "worker" && IsRedis(s)) ? spans : null;
        }, $"the trace of job {id} with the api's request span and both services' Redis spans");

        var request = Assert.Single(trace, s => s.Service == "api" && s.Kind == 2 && s.Name.StartsWith("POST /api/v1/jobs", StringComparison.Ordinal));
        var publish = Assert.Single(trace, s => s.Service == "api" && s.Name == "send goxec:jobs");
        var process = Assert.Single(trace, s => s.Service == "worker" && s.Name == "process job");
        Assert.Equal(request.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Contains(trace, s => s.Service == "worker" && s.Name == "stage run" && s.ParentSpanId == process.SpanId);
        // The job's Redis commands are client spans in its trace (StackExchange.Redis's instrumentation) addressed to
        // Redis: the Api's under its request, the worker's under the job it processes. The dashboard names their
        // destination by Redis's address, or by its resource (redis-abcdwxyz) once it has matched the address to it.
        var address = graph.App.ConnectionString("redis").Split(',')[0];
        var resource = graph.App.GetResource("redis").ResourceId;
        bool ToRedis(Span s) => IsRedis(s) && $"{s.Attributes.GetValueOrDefault("server.address")}:{s.Attributes.GetValueOrDefault("server.port")}" == address
            && (s.Destination == address || s.Destination == resource);
        var dump = string.Join("\n", trace.Select(s => $"{s.Service} {s.Name} kind={s.Kind} parent={s.ParentSpanId} destination={s.Destination} " +
            string.Join(";", s.Attributes.Select(a => $"{a.Key}={a.Value}"))));
        Assert.True(trace.Any(s => s.Service == "api" && s.ParentSpanId == request.SpanId && ToRedis(s)),
            $"No Api Redis span to {address} ({resource}) under the request {request.SpanId}:\n{dump}");
        Assert.True(trace.Any(s => s.Service == "worker" && s.ParentSpanId == process.SpanId && ToRedis(s)),
            $"No worker Redis span to {address} ({resource}) under the job's span {process.SpanId}:\n{dump}");
    }

    [Fact]
    public async Task The_dashboards_pages_list_the_resources_and_show_the_jobs_trace()
    {
        await graph.RunAsync(new { language = "python", code = "print('traced in the browser')" });
        var page = await graph.NewPageAsync();

        await page.GotoAsync(graph.DashboardUrl.ToString());
        foreach (var name in new[] { "redis", "api", "web" })
            await Assertions.Expect(page.GetByText(name, new() { Exact = true }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^worker-[a-z0-9]+$"))).ToHaveCountAsync(2);
        await BrowserGraphFixture.ScreenshotAsync(page, "aspire-dashboard-resources");

        await page.GotoAsync(new Uri(graph.DashboardUrl, "/traces").ToString());
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("POST /api/v1/jobs")).First).ToBeVisibleAsync();
        await BrowserGraphFixture.ScreenshotAsync(page, "aspire-dashboard-traces");
    }

    private static bool IsRedis(Span span) => span.Kind == 3 && span.Attributes.GetValueOrDefault("db.system") == "redis";

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> attempt, string what) where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            if (await attempt() is { } result) return result;
            try { await Task.Delay(500, deadline.Token); }
            catch (OperationCanceledException) { Assert.Fail($"The dashboard never showed {what}."); }
        }
    }

    private static string? TraceOfJob(JsonElement traces, string jobId) =>
        Spans(traces).FirstOrDefault(s => s.Name == "process job" && s.Attributes.GetValueOrDefault("goxec.job.id") == jobId)?.TraceId;

    /// <summary>The spans of an OTLP JSON answer, each with its resource's service name.</summary>
    private static IEnumerable<Span> Spans(JsonElement answer)
    {
        foreach (var resource in answer.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name");
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            foreach (var span in scope.GetProperty("spans").EnumerateArray())
            {
                var attributes = Attributes(span);
                yield return new Span(service, span.GetProperty("name").GetString()!, span.GetProperty("kind").GetInt32(),
                    span.GetProperty("traceId").GetString()!, span.GetProperty("spanId").GetString()!,
                    span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null, attributes,
                    attributes.GetValueOrDefault("aspire.destination"));
            }
        }
    }

    private static Dictionary<string, string> Attributes(JsonElement holder) =>
        holder.TryGetProperty("attributes", out var list)
            ? list.EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").EnumerateObject().First().Value.ToString())
            : [];

    private sealed record Span(string? Service, string Name, int Kind, string TraceId, string SpanId, string? ParentSpanId,
        Dictionary<string, string> Attributes, string? Destination);
}
