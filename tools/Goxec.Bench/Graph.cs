using System.Runtime.InteropServices;
using Goxec.AppHost;
using Goxec.Hosting;

namespace Goxec.Bench;

/// <summary>A real Goxec graph (Redis, Api, workers) started through the AppHost, as the tests and the chaos run do.</summary>
public static partial class Graph
{
    /// <param name="spanDirectory">Where every process writes its spans (Telemetry:SpanDirectory), or null for none.</param>
    public static async Task<DistributedApplication> StartAsync(BenchOptions options, string driver, bool? pool, TextWriter graphLog, string? spanDirectory,
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
        var builder = DistributedApplicationTestingBuilder.Create(graphLog);
        GoxecGraph.Build(builder, new GoxecGraphOptions
        {
            ApiPort = 0, RedisPort = 0, Workers = options.Workers, BuildWeb = false, Environment = environment,
        });
        return await builder.StartAsync(ct);
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) every worker, so submissions pile up without being run.</summary>
    public static void SignalWorkers(DistributedApplication app, bool stop)
    {
        foreach (var worker in app.GetReplicas("worker"))
            if (worker.ProcessId is { } pid && Kill(pid, stop ? SigStop : SigCont) != 0)
                throw new InvalidOperationException($"Could not {(stop ? "stop" : "continue")} worker {pid}: errno {Marshal.GetLastPInvokeError()}.");
    }

    public static IEnumerable<(string Name, int Pid)> Processes(DistributedApplication app) =>
        app.GetReplicas("api").Concat(app.GetReplicas("worker"))
            .Where(r => r.ProcessId is not null)
            .Select(r => (r.Name, r.ProcessId!.Value));

    private const int SigCont = 18, SigStop = 19; // Linux x86-64 and arm64

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
