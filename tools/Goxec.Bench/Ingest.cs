using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Jobs;

namespace Goxec.Bench;

/// <summary>
/// Accepted submissions per second with the workers frozen (SIGSTOP), so only the Api and Redis are
/// measured; then the workers are thawed and every accepted job must finish exactly once.
/// </summary>
public sealed class Ingest(BenchOptions options, TextWriter progress)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task<IngestResult> RunAsync(RunningGraph app, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = app.GetEndpoint("api"), Timeout = TimeSpan.FromSeconds(60) };
        await using var redis = await JobsRedis.ConnectAsync(app.ConnectionString("redis"), "goxec-bench");
        var store = new JobStore(redis, Microsoft.Extensions.Options.Options.Create(new JobStoreOptions()), TimeProvider.System);
        // Open every connection before the clock starts: the rate is of submissions, not of TCP handshakes.
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(_ => http.GetAsync("/alive", ct)));

        var load = BenchRun.LoadAverage();
        var accepted = new ConcurrentDictionary<string, int>();
        var refusals = new ConcurrentQueue<string>();
        Graph.SignalWorkers(app, stop: true);
        Load.Outcome outcome;
        try
        {
            outcome = await Load.RunAsync($"ingest {options.IngestCount} over {options.Connections} connections (workers paused)",
                options.IngestCount, options.Connections, async (i, c) =>
                {
                    using var response = await http.PostAsJsonAsync("/api/v1/jobs",
                        new SubmitJobRequest("python", Programs.Code("python", Token(i)), null, null, null), GoxecJsonContext.Default.SubmitJobRequest, c);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        var problem = $"HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(c)}";
                        if (refusals.Count < 5) refusals.Enqueue(problem);
                        throw new InvalidOperationException(problem);
                    }
                    var job = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobAccepted, c);
                    accepted[job!.Id] = i;
                }, progress, ct);
        }
        finally
        {
            Graph.SignalWorkers(app, stop: false);
        }

        var drain = Stopwatch.StartNew();
        var ids = accepted.Keys.ToArray();
        // Generous: a few jobs per second per worker is the floor of a fresh container.
        var patience = TimeSpan.FromSeconds(120 + ids.Length);
        var finished = 0;
        while (drain.Elapsed < patience)
        {
            finished = (await store.GetStatusesAsync(ids, ct)).Count(s => s is "completed" or "dead_lettered");
            if (!Console.IsOutputRedirected) progress.Write($"\r  draining: {finished}/{ids.Length} finished ({drain.Elapsed.TotalSeconds:F0} s)");
            else if ((int)drain.Elapsed.TotalSeconds % 10 == 0) progress.WriteLine($"  draining: {finished}/{ids.Length} finished ({drain.Elapsed.TotalSeconds:F0} s)");
            if (finished == ids.Length) break;
            await Task.Delay(1000, ct);
        }
        progress.WriteLine();
        var (completed, dead, lost, duplicates) = await InspectAsync(store, new JobQueue(redis), accepted, ct);
        var samples = outcome.SamplesMs;
        return new IngestResult(options.IngestCount, options.Connections, accepted.Count, outcome.Errors, Stats.Round(outcome.Wall.TotalSeconds),
            Stats.Round(accepted.Count / outcome.Wall.TotalSeconds), Stats.Round(Stats.Percentile(samples, 50)), Stats.Round(Stats.Percentile(samples, 90)),
            Stats.Round(Stats.Percentile(samples, 99)), completed, dead, lost, duplicates, Stats.Round(drain.Elapsed.TotalSeconds), [.. refusals], load);
    }

    private string Token(int index) => $"ingest-{_run}-{index}";

    /// <summary>Every accepted id: completed with its own output printed once, and announced as finished at most once.</summary>
    private async Task<(int Completed, int Dead, int Lost, int Duplicates)> InspectAsync(JobStore store, JobQueue queue,
        ConcurrentDictionary<string, int> accepted, CancellationToken ct)
    {
        var ids = accepted.Keys.ToArray();
        var jobs = await Task.WhenAll(ids.Select(id => store.GetAsync(id, ct)));
        int completed = 0, dead = 0, lost = 0, duplicates = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            switch (jobs[i]?.Status)
            {
                case JobStatus.Completed:
                    completed++;
                    if (jobs[i]!.Run?.Stdout != Token(accepted[ids[i]]) + "\n") duplicates++;
                    break;
                case JobStatus.DeadLettered: dead++; break;
                default: lost++; break;
            }
        }
        var announced = (await queue.AllFinishedAsync(ct)).Where(accepted.ContainsKey).GroupBy(id => id).Count(g => g.Count() > 1);
        return (completed, dead, lost, duplicates + announced);
    }
}
