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
        Assert.NotEqual(new string('0', 32), traceId);
        Assert.Contains(scopes, s => s.TryGetProperty("JobId", out var jobId) && jobId.GetString() == id);
    }
}
