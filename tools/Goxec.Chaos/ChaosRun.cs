using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost;
using Goxec.Docker;
using Goxec.Graph;
using Goxec.Jobs;
using Goxec.Worker.Sandbox;

namespace Goxec.Chaos;

/// <summary>
/// Starts the real graph, submits jobs while SIGKILLing random workers and restarting Redis once,
/// then checks that every accepted job reached exactly one visible outcome and nothing was left behind.
/// </summary>
public sealed class ChaosRun(ChaosOptions options, TextWriter output, TextWriter? graphLog = null)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, int> _accepted = new(); // job id → index
    private int _workerKills;
    private int _redisRestarts;

    /// <remarks>Whatever containers of its deployment remain (the warm pools of workers killed near the end) go with the graph: its AppHost removes them.</remarks>
    public Task<ChaosReport> RunAsync(CancellationToken ct) => RunGraphAsync(ct);

    private async Task<ChaosReport> RunGraphAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        output.WriteLine($"chaos {_run}: {options.Jobs} jobs, {options.Workers} workers, a kill every {options.KillEvery.TotalSeconds:F1} s, " +
                         $"redis restart {(options.RestartRedis ? "once" : "off")}, appendfsync {options.AppendFsync}, sandbox {options.Driver}");
        await using var app = await RunningGraph.StartAsync(new GoxecGraphOptions
        {
            ApiPort = 0, Workers = options.Workers, BuildWeb = false, AppendFsync = options.AppendFsync,
            // A killed replica is started again promptly (the AppHost's restart policy, through its "start"
            // command), as a platform replaces a lost pod; crash loops are not what is tested here. The
            // delay stays fixed: doubling it on every kill (each replica dies every few seconds) would leave
            // the graph with no worker up for long, and the run would measure the back-off, not the queue.
            RestartDelay = TimeSpan.FromMilliseconds(250),
            RestartMaxDelay = TimeSpan.FromMilliseconds(250),
            Environment = new Dictionary<string, string>
            {
                ["Worker__ReclaimIdle"] = "00:00:05",
                ["Worker__ReclaimInterval"] = "00:00:01",
                ["Worker__Concurrency"] = "2",
                ["Sandbox__Driver"] = options.Driver,
                // One client submits everything at once: anonymous limits would refuse most of it.
                ["Gateway__Anonymous__Rate"] = "100000",
                ["Gateway__Anonymous__Burst"] = "100000",
                ["Gateway__Anonymous__MaxConcurrentJobs"] = "100000",
            },
        }, ct, log: graphLog);
        using var http = new HttpClient { BaseAddress = app.GetEndpoint("api"), Timeout = RequestTimeout };
        await using var redis = await JobsRedis.ConnectAsync(app.ConnectionString("redis"), "goxec-chaos");
        var store = new JobStore(redis, Microsoft.Extensions.Options.Options.Create(new JobStoreOptions()), TimeProvider.System);

        using var chaos = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var killing = KillWorkersAsync(app, chaos.Token);
        await SubmitAllAsync(http, ct);
        output.WriteLine($"  submitted: {_accepted.Count} accepted in {clock.Elapsed.TotalSeconds:F0} s");

        var redisRestarted = !options.RestartRedis;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var finished = await CountFinishedAsync(store, ct);
            if (!redisRestarted && finished >= _accepted.Count / 3)
            {
                redisRestarted = true;
                await RestartRedisAsync(app, ct);
            }
            // Stop the kills near the end so the last jobs can settle; they still ran through kills.
            if (finished >= _accepted.Count * 9 / 10 && !chaos.IsCancellationRequested) await chaos.CancelAsync();
            if (finished == _accepted.Count || deadline.Elapsed > options.DrainTimeout) break;
            await Task.Delay(500, ct);
        }
        await chaos.CancelAsync();
        await killing;

        var report = await InspectAsync(store, new JobEventLog(redis), new JobQueue(redis), ct) with { WorkerKills = _workerKills, RedisRestarts = _redisRestarts, Duration = clock.Elapsed };
        return report;
    }

    private async Task SubmitAllAsync(HttpClient http, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(options.Concurrency);
        await Task.WhenAll(Enumerable.Range(0, options.Jobs).Select(async i =>
        {
            await slots.WaitAsync(ct);
            try { await SubmitAsync(http, i, ct); }
            finally { slots.Release(); }
        }));
    }

    /// <summary>Submits until accepted, retrying with the same Idempotency-Key so a retry never makes a second job.</summary>
    private async Task SubmitAsync(HttpClient http, int index, CancellationToken ct)
    {
        // Every fifth job runs long enough to be caught mid-run by a kill.
        var code = index % 5 == 0
            ? $"import time\ntime.sleep(1)\nprint('{Token(index)}')"
            : $"print('{Token(index)}')";
        for (var delay = TimeSpan.FromMilliseconds(100); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks)))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(new { language = "python", code }) };
                request.Headers.Add("Idempotency-Key", $"chaos-{_run}-{index}");
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    var accepted = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobAccepted, ct);
                    _accepted[accepted!.Id] = index;
                    return;
                }
                if ((int)response.StatusCode < 500) throw new InvalidOperationException($"Submission {index} refused: {(int)response.StatusCode}");
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(delay, ct);
        }
    }

    private string Token(int index) => $"chaos-{_run}-{index}";

    private async Task KillWorkersAsync(RunningGraph app, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(options.KillEvery, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested) return;
            // Any worker whose program is running (healthy or still starting), as a crash could hit any of them.
            var victims = app.GetReplicas("worker").Where(w => w.State == KnownResourceStates.Running && w.ProcessId is not null).ToList();
            if (victims.Count == 0) continue;
            var victim = victims[Random.Shared.Next(victims.Count)];
            try
            {
                await victim.KillAsync(Signal.SIGKILL, ct);
                Interlocked.Increment(ref _workerKills);
            }
            catch (InvalidOperationException) { } // it exited on its own in between
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        }
    }

    private async Task RestartRedisAsync(RunningGraph app, CancellationToken ct)
    {
        var redis = app.GetResource("redis");
        output.WriteLine("  restarting redis (SIGKILL)");
        await redis.KillAsync(Signal.SIGKILL, ct);
        await redis.WaitUntilAsync(r => r.IsHealthy, ct);
        _redisRestarts++;
    }

    private async Task<int> CountFinishedAsync(JobStore store, CancellationToken ct)
    {
        try
        {
            return (await store.GetStatusesAsync([.. _accepted.Keys], ct)).Count(s => s is "completed" or "dead_lettered");
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisConnectionException or TimeoutException)
        {
            return 0; // Redis is restarting; ask again shortly
        }
    }

    private async Task<ChaosReport> InspectAsync(JobStore store, JobEventLog log, JobQueue queue, CancellationToken ct)
    {
        var ids = _accepted.Keys.ToArray();
        var jobs = await Task.WhenAll(ids.Select(id => store.GetAsync(id, ct)));
        // The output stream a subscriber would replay must show one run too.
        var streams = await Task.WhenAll(ids.Select(id => log.ReadAsync(id, "0-0", 100_000, ct)));
        int completed = 0, dead = 0, lost = 0, duplicates = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var expected = Token(_accepted[ids[i]]) + "\n";
            switch (jobs[i]?.Status)
            {
                case JobStatus.Completed:
                    completed++;
                    // One run prints its token once; anything else shows a second run.
                    if (jobs[i]!.Run?.Stdout != expected) duplicates++;
                    if (string.Concat(streams[i].Where(e => e.Type == JobEvents.Stdout).Select(e => e.Data)) != expected) duplicates++;
                    break;
                case JobStatus.DeadLettered: dead++; break;
                default: lost++; break;
            }
        }
        duplicates += (await queue.AllFinishedAsync(ct)).Where(_accepted.ContainsKey).GroupBy(id => id).Count(g => g.Count() > 1);
        var pending = await queue.PendingAsync(ct);
        var orphans = await OrphanContainersAsync(ct);
        return new ChaosReport(_accepted.Count, completed, dead, lost, duplicates, pending, orphans, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Containers of this run's jobs still present after the reapers had time for two passes.</summary>
    private async Task<int> OrphanContainersAsync(CancellationToken ct)
    {
        using var docker = new DockerClient();
        var patience = Stopwatch.StartNew();
        while (true)
        {
            // A fresh container carries its job's label; a warm one taken from the pool only its name.
            var labelled = (await docker.ListContainersAsync([ContainerSpecFactory.JobLabel], ct))
                .Where(c => _accepted.ContainsKey(c.Labels.GetValueOrDefault(ContainerSpecFactory.JobLabel, "")));
            var renamed = (await docker.ListContainersAsync([ContainerSpecFactory.PoolLabel], ct))
                .Where(c => c.Names.Any(n => n.Split('-') is ["goxec", var job, _] && _accepted.ContainsKey(job)));
            var left = labelled.Concat(renamed).DistinctBy(c => c.Id).Count();
            if (left == 0 || patience.Elapsed > ContainerReaper.Interval * 3) return left;
            await Task.Delay(1000, ct);
        }
    }
}
