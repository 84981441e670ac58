using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Goxec.Bench;

/// <summary>
/// Where an end-to-end job's time goes, from the spans every process of the graph wrote
/// (<c>Telemetry__SpanDirectory</c>): for each job of a scenario, its <c>POST /api/v1/jobs?wait=true</c>
/// cut into consecutive segments, each owned by one part of the system. Medians over the scenario's jobs.
/// </summary>
public static class SpanBreakdown
{
    /// <summary>The segments in order; together they cover the request from its first to its last byte.</summary>
    public static readonly (string Name, string Owner)[] Segments =
    [
        ("api: validate, store, enqueue", "Api + Redis (jobs layer)"),
        ("queue: enqueue to worker pickup", "Redis Streams read (worker consumer)"),
        ("worker: start job, events stream", "worker + Redis (jobs layer)"),
        ("sandbox: prepare", "sandbox driver"),
        ("sandbox: stages", "sandbox driver"),
        ("worker: flush output, store result", "worker + Redis (jobs layer)"),
        ("api: wake on finish, read, answer", "Api + Redis (finished stream read)"),
    ];

    public sealed record Segment(string Name, string Owner, double P50, double P90);

    public sealed record Result(string Scenario, int Jobs, double RequestP50, IReadOnlyList<Segment> Segments);

    /// <summary>The breakdown of the jobs whose request started within [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static Result? Compute(string directory, string scenario, DateTime from, DateTime to)
    {
        var spans = Read(directory).ToList();
        var rows = new List<double[]>();
        var requests = new List<double>();
        foreach (var trace in spans.GroupBy(s => s.TraceId))
        {
            var request = trace.FirstOrDefault(s => s.Kind == "Server" && s.Name.StartsWith("POST /api/v1/jobs", StringComparison.Ordinal));
            var send = trace.FirstOrDefault(s => s.Name == "send goxec:jobs");
            var process = trace.FirstOrDefault(s => s.Name == "process job");
            if (request is null || send is null || process is null || request.Start < from || request.Start > to) continue;
            var prepare = trace.FirstOrDefault(s => s.Name == "sandbox.prepare" && s.ParentSpanId == process.SpanId);
            var stages = trace.Where(s => s.Name.StartsWith("stage ", StringComparison.Ordinal) && s.ParentSpanId == process.SpanId).ToList();
            var store = trace.FirstOrDefault(s => s.Name == "store result" && s.ParentSpanId == process.SpanId);
            if (prepare is null || stages.Count == 0 || store is null) continue;
            var stagesEnd = stages.Max(s => s.End);
            rows.Add(
            [
                Ms(send.End - request.Start),
                Ms(process.Start - send.End),
                Ms(prepare.Start - process.Start),
                Ms(prepare.End - prepare.Start),
                Ms(stagesEnd - prepare.End),
                Ms(store.End - stagesEnd),
                Ms(request.End - store.End),
            ]);
            requests.Add(Ms(request.End - request.Start));
        }
        if (rows.Count == 0) return null;
        return new Result(scenario, rows.Count, Stats.Round(Stats.Percentile(requests, 50)),
            [.. Segments.Select((s, i) => new Segment(s.Name, s.Owner,
                Stats.Round(Stats.Percentile([.. rows.Select(r => r[i])], 50)), Stats.Round(Stats.Percentile([.. rows.Select(r => r[i])], 90))))]);
    }

    public static string Render(IEnumerable<Result> results)
    {
        var md = new StringBuilder();
        foreach (var result in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Where the time goes, {result.Scenario} ({result.Jobs} jobs; request p50 {result.RequestP50:0.0} ms):");
            md.AppendLine();
            md.AppendLine("| segment | owner | p50 ms | p90 ms |");
            md.AppendLine("| --- | --- | ---: | ---: |");
            foreach (var s in result.Segments)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Name} | {s.Owner} | {s.P50:0.0} | {s.P90:0.0} |");
            md.AppendLine();
        }
        return md.ToString();
    }

    private static double Ms(TimeSpan span) => span.TotalMilliseconds;

    private sealed record Span(string Name, string Kind, string TraceId, string SpanId, string ParentSpanId, DateTime Start, DateTime End);

    private static IEnumerable<Span> Read(string directory)
    {
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(directory))
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var start = root.GetProperty("start").GetDateTime().ToUniversalTime();
            yield return new Span(root.GetProperty("name").GetString()!, root.GetProperty("kind").GetString()!, root.GetProperty("traceId").GetString()!,
                root.GetProperty("spanId").GetString()!, root.GetProperty("parentSpanId").GetString()!, start,
                start + TimeSpan.FromMilliseconds(root.GetProperty("durationMs").GetDouble()));
        }
    }
}
