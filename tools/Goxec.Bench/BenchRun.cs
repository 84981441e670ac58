using System.Diagnostics;
using System.Runtime.InteropServices;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Bench;

/// <summary>One benchmark run: floors, then each graph's end-to-end scenarios, ingest and soak, then the report.</summary>
/// <param name="spanDirectory">Where the graphs write their spans, for the breakdown of where a job's time goes; null for none.</param>
public sealed class BenchRun(BenchOptions options, TextWriter progress, TextWriter graphLog, string? spanDirectory = null)
{
    /// <summary>Whether this worker has a warm pool to switch (Sandbox:Pool); without one only "off" is measured.</summary>
    public static bool WorkerHasPool => typeof(SandboxOptions).GetProperty("Pool") is not null;

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = new MachineInfo(Environment.ProcessorCount, LoadAverage(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
        progress.WriteLine($"bench: {string.Join(",", options.Only)}{(options.Quick ? " (quick)" : "")}, {machine.Cores} cores, load {machine.LoadAverage1m:0.00}");
        var catalog = LanguageCatalog.Load(Path.Combine(Goxec.AppHost.Repository.Root, "runtimes"));

        List<Scenario> floors = options.Only.Contains("floors") ? await new Floors(options, catalog, progress).RunAsync(ct) : [];
        List<Scenario>? isolation = options.Only.Contains("isolation") ? await new IsolationCost(options, catalog, progress).RunAsync(ct) : null;
        var e2e = new List<Scenario>();
        IngestResult? ingest = null;
        SoakResult? soak = null;
        IReadOnlyList<LatencyFigure>? latency = null;
        var breakdowns = new List<SpanBreakdown.Result>();
        var graphs = Graphs();
        for (var g = 0; g < graphs.Count; g++)
        {
            var (driver, pool) = graphs[g];
            var needsGraph = options.Only.Contains("e2e") || (g == 0 && (options.Only.Contains("ingest") || options.Only.Contains("soak") || options.Only.Contains("latency")));
            if (!needsGraph) continue;
            progress.WriteLine($"starting a graph: redis, api, {options.Workers} workers, {driver} driver{(driver == "docker" ? $", pool {pool ?? "(no such setting)"}" : "")}");
            var spans = spanDirectory is null ? null : Path.Combine(spanDirectory, pool is null ? driver : $"{driver}-pool-{pool}");
            await using var app = await Graph.StartAsync(options, driver, pool is null ? null : pool == "on", graphLog, spans, ct);
            using var http = new HttpClient { BaseAddress = app.GetEndpoint("api"), Timeout = TimeSpan.FromMinutes(2) };
            if (options.Only.Contains("e2e"))
            {
                var endToEnd = new EndToEnd(options, progress);
                var measured = await endToEnd.RunAsync(http, driver, driver == "docker" ? pool ?? "off" : null, ct);
                e2e.AddRange(measured);
                if (spans is not null && measured.FirstOrDefault(s => s is { Language: "python", Concurrency: 1 }) is { } one)
                {
                    await Task.Delay(TimeSpan.FromSeconds(6), ct); // the exporters write in batches (every 5 s)
                    var (from, to) = endToEnd.Windows[one.Name];
                    if (SpanBreakdown.Compute(spans, one.Name, from, to) is { } breakdown) breakdowns.Add(breakdown);
                }
            }
            if (g == 0 && options.Only.Contains("latency")) latency = await new Latency(options, progress).RunAsync(http, ct);
            if (g == 0 && options.Only.Contains("ingest")) ingest = await new Ingest(options, progress).RunAsync(app, ct);
            if (g == 0 && options.Only.Contains("soak")) soak = await new Soak(options, progress).RunAsync(app, http, ct);
        }
        return new BenchReport(started, machine, [.. options.Only], options.Quick, floors, [.. e2e.Select(s => WithRatios(s, floors))], ingest, soak,
            Stats.Round(clock.Elapsed.TotalSeconds), latency, isolation, breakdowns);
    }

    /// <summary>Each graph to measure: the container driver with its pool "on"/"off" as asked (null when the worker has no pool setting), then the namespace driver.</summary>
    private List<(string Driver, string? Pool)> Graphs()
    {
        var graphs = new List<(string, string?)>();
        if (options.Drivers.Contains("docker")) graphs.AddRange(Pools().Select(p => ("docker", p)));
        if (options.Drivers.Contains("namespaces")) graphs.Add(("namespaces", null));
        return graphs;
    }

    private List<string?> Pools()
    {
        if (!WorkerHasPool)
        {
            if (options.Pool is "on" or "both") progress.WriteLine("note: this worker has no Sandbox:Pool setting; measuring without a pool only");
            return [null];
        }
        return (options.Pool ?? "both") switch
        {
            "on" => ["on"],
            "off" => ["off"],
            _ => ["off", "on"],
        };
    }

    /// <summary>
    /// The container driver is judged against the fresh-container floor of the same language and concurrency,
    /// latency and throughput alike. The namespace driver's latency is judged against the bare process (the
    /// issue's target: within 3×), its throughput against the fresh-container floor (at least 5×).
    /// </summary>
    private static Scenario WithRatios(Scenario s, IReadOnlyList<Scenario> floors)
    {
        var engine = floors.FirstOrDefault(f => f.Name == Floors.Engine(s.Language) && f.Concurrency == s.Concurrency);
        var latency = s.Driver == "namespaces" ? floors.FirstOrDefault(f => f.Name == Floors.Bare && f.Concurrency == s.Concurrency) : engine;
        return s with
        {
            Floor = latency?.Name,
            ThroughputFloor = s.Driver == "namespaces" ? engine?.Name : null,
            RatioP50 = latency is { P50: > 0 } ? Math.Round(s.P50 / latency.P50, 3) : null,
            RatioPerSecond = engine is { PerSecond: > 0 } ? Math.Round(s.PerSecond / engine.PerSecond, 3) : null,
        };
    }

    internal static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (IOException) { return 0; }
    }
}
