using System.Globalization;
using System.Text;

namespace Goxec.Bench;

/// <summary>The report as a Markdown table, for the console and the README.</summary>
public static class Table
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        // The machine is shared while measured: every figure travels with the load it was measured under.
        md.AppendLine(CultureInfo.InvariantCulture, $"{report.Machine.Cores} cores, load average {report.Machine.LoadAverage1m:0.00} (1 min) at the start.");
        md.AppendLine();
        md.AppendLine("| scenario | conc. | jobs | errors | p50 ms | p90 ms | p99 ms | jobs/s | p50 ÷ floor | jobs/s ÷ floor |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in report.Floors.Concat(report.EndToEnd))
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {(s.Kind == "floor" ? "floor: " : "")}{s.Name.Replace($" c={s.Concurrency}", "", StringComparison.Ordinal)} | {s.Concurrency} | {s.Count} | {s.Errors} | {s.P50:0} | {s.P90:0} | {s.P99:0} | {s.PerSecond:0.0} | {Ratio(s.RatioP50)} | {Ratio(s.RatioPerSecond)} |");
        if (report.Isolation is { Count: > 0 } tiers)
        {
            md.AppendLine();
            md.AppendLine("gVisor's cost beside plain containers (one job at a time; ms):");
            md.AppendLine();
            md.AppendLine("| scenario | what is timed | runc p50 | runc p90 | gVisor p50 | gVisor p90 | gVisor ÷ runc (p50) | errors |");
            md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var name in tiers.Select(t => t.Name).Distinct())
            {
                var runc = tiers.FirstOrDefault(t => t.Name == name && t.Pool == "runc");
                var gvisor = tiers.FirstOrDefault(t => t.Name == name && t.Pool == "gvisor");
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {IsolationCost.Timed(name)} | {runc?.P50:0} | {runc?.P90:0} | {gvisor?.P50:0} | {gvisor?.P90:0} | {Ratio(runc is { P50: > 0 } && gvisor is not null ? gvisor.P50 / runc.P50 : null)} | {(runc?.Errors ?? 0) + (gvisor?.Errors ?? 0)} |");
            }
        }
        var targets = Targets(report);
        if (targets.Length > 0)
        {
            md.AppendLine();
            md.Append(targets);
        }
        if (report.Breakdowns is { Count: > 0 } breakdowns)
        {
            md.AppendLine();
            md.Append(SpanBreakdown.Render(breakdowns));
        }
        if (report.Ingest is { } i)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Ingest (workers paused): {i.Accepted} of {i.Requested} accepted in {i.WallSeconds:0.00} s over {i.Connections} connections = **{i.AcceptedPerSecond:0} accepted/s**, " +
                $"POST p50 {i.P50:0.0} ms, p90 {i.P90:0.0} ms, p99 {i.P99:0.0} ms (load average {i.LoadAverage:0.00} before). Drained in {i.DrainSeconds:0} s: {i.Completed} completed, {i.DeadLettered} dead-lettered, {i.Lost} lost, {i.Duplicates} duplicated.");
        }
        if (report.Latency is { Count: > 0 } latency)
        {
            md.AppendLine();
            md.AppendLine("| wait (one job at a time) | jobs | p50 ms | p90 ms | p99 ms |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var l in latency)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {l.Name} | {l.Count} | {l.P50:0.0} | {l.P90:0.0} | {l.P99:0.0} |");
        }
        if (report.Soak is { } soak)
        {
            md.AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Soak: {soak.Jobs} jobs in {soak.DurationSeconds:0} s ({soak.Errors} errors); RSS ") +
                string.Join(", ", soak.Processes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.FirstMb:0} → {p.LastMb:0} MB (slope {p.SlopeMbPerMinute:+0.00;-0.00} MB/min)"))) + ".");
        }
        return md.ToString();
    }

    /// <summary>The namespace driver against its targets: Python p50 at c=1 within 3× the bare process, c=16 throughput at least 5× the fresh container's.</summary>
    private static string Targets(BenchReport report)
    {
        var md = new StringBuilder();
        var python = report.EndToEnd.Where(s => s.Driver == "namespaces" && s.Language == "python").ToList();
        if (python.FirstOrDefault(s => s.Concurrency == 1) is { RatioP50: { } latency } one)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Namespace driver, Python c=1: p50 {one.P50:0} ms = **{latency:0.00}× the bare process** (target ≤ 3×: {(latency <= 3 ? "met" : "not met")}).");
        if (python.MaxBy(s => s.Concurrency) is { Concurrency: > 1, RatioPerSecond: { } throughput } top)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Namespace driver, Python c={top.Concurrency}: {top.PerSecond:0.0} jobs/s = **{throughput:0.00}× the fresh-container floor** (target ≥ 5× at c=16: {(top.Concurrency == 16 && throughput >= 5 ? "met" : top.Concurrency == 16 ? "not met" : "not measured at 16")}).");
        return md.ToString();
    }

    private static string Ratio(double? r) => r is { } v ? v.ToString("0.00×", CultureInfo.InvariantCulture) : "–";
}
