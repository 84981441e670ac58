using Goxec.AppHost;
using Goxec.Graph;

namespace Goxec.Bench;

/// <summary>A real Goxec graph (Redis, Api, workers) started through the AppHost, as the tests and the chaos run do.</summary>
public static class Graph
{
    /// <param name="spanDirectory">Where every process writes its spans (Telemetry:SpanDirectory), or null for none.</param>
    public static Task<RunningGraph> StartAsync(BenchOptions options, string driver, bool? pool, TextWriter graphLog, string? spanDirectory,
        CancellationToken ct)
    {
        var environment = new Dictionary<string, string>
        {
            // One client sends everything: the anonymous limits would refuse most of it, and the
            // backlog cap would refuse the paused ingest.
            ["Gateway__Anonymous__Rate"] = "1000000",
            ["Gateway__Anonymous__Burst"] = "1000000",
            ["Gateway__Anonymous__MaxConcurrentJobs"] = "1000000",
            ["Gateway__MaxQueueBacklog"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Sandbox__Driver"] = driver,
            // The languages measured, exported before the graph is ready (the namespace driver).
            ["Sandbox__Namespaces__Prewarm"] = string.Join(',', Programs.Languages),
        };
        if (pool is { } on) environment["Sandbox__Pool__Enabled"] = on ? "true" : "false";
        if (spanDirectory is not null) environment["Telemetry__SpanDirectory"] = spanDirectory;
        return RunningGraph.StartAsync(new GoxecGraphOptions
        {
            ApiPort = 0, Workers = options.Workers, BuildWeb = false, Environment = environment,
        }, ct, log: graphLog);
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) every worker program, so submissions pile up without being run.</summary>
    public static void SignalWorkers(RunningGraph app, bool stop)
    {
        foreach (var worker in app.GetReplicas("worker"))
            if (worker.ProcessId is { } pid) PosixProcess.Kill(pid, stop ? Signal.SIGSTOP : Signal.SIGCONT);
    }

    /// <summary>The Api's and workers' processes.</summary>
    public static IEnumerable<(string Name, int Pid)> Processes(RunningGraph app) =>
        app.GetReplicas("api").Concat(app.GetReplicas("worker"))
            .Where(r => r.ProcessId is not null)
            .Select(r => (r.Name, r.ProcessId!.Value));
}
