using System.Text.Json;

namespace Goxec.Tests.Observability;

public class TracingTests(ObservabilityGraphFixture graph) : IClassFixture<ObservabilityGraphFixture>
{
    [Fact]
    public async Task One_job_is_one_trace_from_the_api_request_through_the_worker()
    {
        var job = await graph.RunAsync(new { language = "c", code = "#include <stdio.h>\nint main(void){puts(\"traced\");return 0;}\n" });
        var id = job.GetProperty("id").GetString()!;

        // Redis client spans come from the StackExchange.Redis instrumentation, which turns the commands it profiled
        // into spans every 10 s (its flush interval): wait for the worker's to be written too.
        var spans = await SpansOfJobAsync(id, all => all.FirstOrDefault(s => s.Name == "store result") is { } store && all.Any(s => IsRedis(s) && s.ParentSpanId == store.SpanId),
            TimeSpan.FromSeconds(40));
        Span One(string name) => Assert.Single(spans, s => s.Name == name);
        var process = One("process job");
        var request = Assert.Single(spans, s => s.Kind == "Server" && s.Name.StartsWith("POST /api/v1/jobs", StringComparison.Ordinal));
        var publish = One("send goxec:jobs");

        Assert.Equal("api", request.Service);
        Assert.Equal(request.SpanId, publish.ParentSpanId);
        Assert.Equal("Producer", publish.Kind);
        Assert.Equal(publish.SpanId, One("queue wait").ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal("Consumer", process.Kind);
        Assert.StartsWith("worker", process.Service);
        Assert.Equal("redis", process.Tags["messaging.system"]);
        Assert.Equal("goxec:jobs", process.Tags["messaging.destination.name"]);
        Assert.Equal(id, process.Tags["goxec.job.id"]);
        Assert.Equal("c", process.Tags["goxec.language"]);
        Assert.Equal("accepted", process.Tags["goxec.verdict"]);
        Assert.Equal("1", process.Tags["goxec.job.attempt"]);
        Assert.StartsWith("worker-", process.Tags["goxec.worker"]);
        foreach (var child in new[] { "sandbox.prepare", "stage compile", "stage run", "store result" })
            Assert.Equal(process.SpanId, One(child).ParentSpanId);
        Assert.Contains(spans, s => s.Kind == "Client" && IsRedis(s) && s.ParentSpanId == One("store result").SpanId);
        Assert.Contains(spans, s => s.Kind == "Client" && s.Name.StartsWith("docker ", StringComparison.Ordinal) && s.ParentSpanId == One("sandbox.prepare").SpanId);
        // Parented across processes: the request is the only root, every other parent is in the trace.
        Assert.Equal([request], spans.Where(s => !spans.Any(p => p.SpanId == s.ParentSpanId)));
    }

    [Fact]
    public async Task The_prepare_span_says_whether_the_job_ran_in_a_warm_container()
    {
        // Python is prewarmed by default; the graph's pools may still be warming up for the first job or two.
        var kinds = new List<string>();
        for (var i = 0; i < 10 && !kinds.Contains("true"); i++)
        {
            var job = await graph.RunAsync(new { language = "python", code = "print('traced')" });
            var spans = await SpansOfJobAsync(job.GetProperty("id").GetString()!);
            var prepare = Assert.Single(spans, s => s.Name == "sandbox.prepare");
            kinds.Add(prepare.Tags["goxec.sandbox.warm"].ToLowerInvariant());
        }

        Assert.All(kinds, k => Assert.Contains(k, new[] { "true", "false" }));
        Assert.Contains("true", kinds);
    }

    /// <summary>
    /// Every span of the trace the job's "process job" span belongs to, once its worker has written it and the
    /// Api has written its request span (which ends just after the response the test already has), and
    /// <paramref name="complete"/> holds.
    /// </summary>
    private async Task<List<Span>> SpansOfJobAsync(string id, Func<List<Span>, bool>? complete = null, TimeSpan? patience = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(patience ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var all = ReadSpans();
            if (all.FirstOrDefault(s => s.Name == "process job" && s.Tags.GetValueOrDefault("goxec.job.id") == id) is { } process
                && all.Where(s => s.TraceId == process.TraceId).ToList() is var trace
                && trace.Any(s => s.Kind == "Server") && (complete is null || complete(trace)))
                return trace;
            try { await Task.Delay(200, deadline.Token); }
            catch (OperationCanceledException) { Assert.Fail($"No 'process job' span for {id} in {graph.SpanDirectory}:\n{graph.RecentLogs()}"); }
        }
    }

    /// <summary>A Redis command's client span (the instrumentation names the system in the old or the new convention).</summary>
    private static bool IsRedis(Span s) => s.Kind == "Client" && (s.Tags.GetValueOrDefault("db.system") ?? s.Tags.GetValueOrDefault("db.system.name")) == "redis";

    private List<Span> ReadSpans()
    {
        var spans = new List<Span>();
        foreach (var file in Directory.EnumerateFiles(graph.SpanDirectory, "*.jsonl"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (!line.EndsWith('}')) break; // a line still being written
                var json = JsonDocument.Parse(line).RootElement;
                spans.Add(new Span(json.GetProperty("service").GetString()!, json.GetProperty("name").GetString()!, json.GetProperty("kind").GetString()!,
                    json.GetProperty("traceId").GetString()!, json.GetProperty("spanId").GetString()!, json.GetProperty("parentSpanId").GetString()!,
                    json.GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")));
            }
        }
        return spans;
    }

    private sealed record Span(string Service, string Name, string Kind, string TraceId, string SpanId, string ParentSpanId, Dictionary<string, string> Tags);
}
