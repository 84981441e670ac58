using System.Diagnostics;
using System.Runtime.InteropServices;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Languages;
using Goxec.Worker.Sandbox;

namespace Goxec.Bench;

/// <summary>One benchmark run: floors, then each graph's end-to-end scenarios, ingest and soak, then the report.</summary>
public sealed class BenchRun(BenchOptions options, TextWriter progress, TextWriter graphLog)
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
        var e2e = new List<Scenario>();
        IngestResult? ingest = null;
        SoakResult? soak = null;
        IReadOnlyList<LatencyFigure>? latency = null;
        var pools = Pools();
        for (var p = 0; p < pools.Count; p++)
        {
            var pool = pools[p];
            var needsGraph = options.Only.Contains("e2e") || (p == 0 && (options.Only.Contains("ingest") || options.Only.Contains("soak") || options.Only.Contains("latency")));
            if (!needsGraph) continue;
            progress.WriteLine($"starting a graph: redis, api, {options.Workers} workers, pool {pool ?? "(no such setting)"}");
            await using var app = await Graph.StartAsync(options, pool is null ? null : pool == "on", graphLog, ct);
            using var http = new HttpClient { BaseAddress = app.GetEndpoint("api"), Timeout = TimeSpan.FromMinutes(2) };
            if (options.Only.Contains("e2e")) e2e.AddRange(await new EndToEnd(options, progress).RunAsync(http, pool ?? "off", ct));
            if (p == 0 && options.Only.Contains("latency")) latency = await new Latency(options, progress).RunAsync(http, ct);
            if (p == 0 && options.Only.Contains("ingest")) ingest = await new Ingest(options, progress).RunAsync(app, ct);
            if (p == 0 && options.Only.Contains("soak")) soak = await new Soak(options, progress).RunAsync(app, http, ct);
        }
        return new BenchReport(started, machine, [.. options.Only], options.Quick, floors, [.. e2e.Select(s => WithRatios(s, floors))], ingest, soak,
            Stats.Round(clock.Elapsed.TotalSeconds), latency);
    }

    /// <summary>"on"/"off" as asked; null when the worker has no pool setting (nothing to switch).</summary>
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

    /// <summary>Latency and throughput against the fresh-container floor of the same language at the same concurrency.</summary>
    private static Scenario WithRatios(Scenario s, IReadOnlyList<Scenario> floors)
    {
        var name = Floors.Engine(s.Language);
        var floor = floors.FirstOrDefault(f => f.Name == name && f.Concurrency == s.Concurrency);
        return s with
        {
            Floor = floor is null ? null : name,
            RatioP50 = floor is { P50: > 0 } ? Math.Round(s.P50 / floor.P50, 3) : null,
            RatioPerSecond = floor is { PerSecond: > 0 } ? Math.Round(s.PerSecond / floor.PerSecond, 3) : null,
        };
    }

    internal static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (IOException) { return 0; }
    }
}
