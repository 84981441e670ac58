using System.Text.Json;

namespace Goxec.Tests.Observability;

public class LoggingTests(ObservabilityGraphFixture graph) : IClassFixture<ObservabilityGraphFixture>
{
    [Fact]
    public async Task A_workers_job_log_is_json_with_the_trace_id_and_the_job_id()
    {
        var job = await graph.RunAsync(new { language = "python", code = "print('logged')" });
        var id = job.GetProperty("id").GetString()!;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        JsonElement? finished = null;
        while (finished is null)
        {
            finished = graph.App.GetReplicas("worker").SelectMany(w => w.RecentLogs)
                .Where(line => line.StartsWith('{') && line.Contains(id, StringComparison.Ordinal) && line.Contains("finished", StringComparison.Ordinal))
                .Select(line => (JsonElement?)JsonDocument.Parse(line).RootElement).FirstOrDefault();
            if (finished is null)
            {
                try { await Task.Delay(200, deadline.Token); }
                catch (OperationCanceledException) { Assert.Fail($"No JSON 'finished' log line for {id}:\n{graph.RecentLogs()}"); }
            }
        }

        var scopes = finished.Value.GetProperty("Scopes").EnumerateArray().ToList();
        var traceId = Assert.Single(scopes, s => s.TryGetProperty("TraceId", out _)).GetProperty("TraceId").GetString();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        // The span ends just after the line is logged.
        var spanTraceId = JobTraceId(id);
        while (spanTraceId is null && !deadline.IsCancellationRequested)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            spanTraceId = JobTraceId(id);
        }
        Assert.Equal(spanTraceId, traceId);
        Assert.Contains(scopes, s => s.TryGetProperty("JobId", out var jobId) && jobId.GetString() == id);
    }

    /// <summary>The trace of the job's "process job" span, which its worker wrote before logging the finish.</summary>
    private string? JobTraceId(string id) =>
        Directory.EnumerateFiles(graph.SpanDirectory, "*.jsonl")
            .SelectMany(file => ReadLines(file))
            .Where(line => line.EndsWith('}'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(span => span.GetProperty("name").GetString() == "process job"
                && span.GetProperty("tags").TryGetProperty("goxec.job.id", out var job) && job.GetString() == id)
            .Select(span => span.GetProperty("traceId").GetString())
            .FirstOrDefault();

    private static List<string> ReadLines(string file)
    {
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
