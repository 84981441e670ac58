using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost;
using Goxec.AppHost.Placement;
using Goxec.AppHost.Redis;
using Goxec.Graph;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Deploy;

/// <summary>
/// Issue 12's "several hosts": the AppHost's own graph with Redis and the Api on one network namespace
/// and two workers on each of two others, so every job and every Redis command crosses a veth link.
/// Placement is an annotation on Aspire's model (<see cref="NetworkPlacementExtensions"/>); a placed resource
/// has one replica, so each host's workers are pools of their own (GoxecGraph.AddWorkers). The workers share
/// the machine's dockerd through its unix socket (the filesystem is shared).
/// </summary>
[Trait("Category", "Deploy")]
public sealed class MultiHostTests
{
    private const string AdminKey = "multi-host-admin";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, string> s_hostOfWorker = new()
    {
        ["worker-a0-0"] = "a", ["worker-a1-0"] = "a", ["worker-b0-0"] = "b", ["worker-b1-0"] = "b",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Jobs_spread_over_two_worker_hosts_and_a_host_whose_link_is_cut_loses_none()
    {
        Prerequisite.Require(Environment.UserName == "root", "root (network namespaces)", "run the deploy tests as root, as CI does");
        Prerequisite.RequireExecutable("ip", "apt-get install iproute2");
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(8));

        await using var hosts = NetworkHosts.Create("core", "a", "b");
        await using var app = await StartAcrossHostsAsync(hosts, deadline.Token);
        using var http = new HttpClient { BaseAddress = app.GetEndpoint("api"), Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        await using var redis = await RedisConnections.ConnectAsync(app.ConnectionString("redis"));
        Assert.StartsWith(hosts.Address("core") + ":", app.ConnectionString("redis"));

        // 1. Spread: 50 short jobs, each host's workers finish some.
        var quick = await SubmitAllAsync(http, Enumerable.Range(0, 50).Select(i => $"print({i} * 2)"));
        var done = await WaitAllCompletedAsync(http, quick, TimeSpan.FromMinutes(3), deadline.Token);
        for (var i = 0; i < quick.Count; i++) Assert.Equal($"{i * 2}\n", Stdout(done[quick[i]]));
        var perHost = done.Values.GroupBy(j => HostOf(j)).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perHost.GetValueOrDefault("a") > 0 && perHost.GetValueOrDefault("b") > 0,
            $"jobs per host: {string.Join(", ", perHost.Select(p => $"{p.Key}={p.Value}"))}\n{Logs(app)}");

        // 2. Cut host b's link while its jobs run: host a reclaims them and every job completes once.
        var slow = await SubmitAllAsync(http, Enumerable.Range(0, 16).Select(i => $"import time\nprint('start', flush=True)\ntime.sleep(4)\nprint('end {i}')"));
        await WaitUntilAsync(async () => (await GetAllAsync(http, slow)).Values.Count(j => Status(j) == "running" && HostOf(j) == "b") >= 2,
            () => "host b running jobs", deadline.Token);
        hosts.Cut("b");
        var cutOff = (await GetAllAsync(http, slow)).Where(p => Status(p.Value) == "running" && HostOf(p.Value) == "b")
            .ToDictionary(p => p.Key, p => (Attempt: p.Value.GetProperty("attempts").GetInt32(), Worker: p.Value.GetProperty("worker").GetString()!));
        Dictionary<string, JsonElement> finished;
        try
        {
            finished = await WaitAllCompletedAsync(http, slow, TimeSpan.FromMinutes(3), deadline.Token);
            for (var i = 0; i < slow.Count; i++)
                Assert.True(Stdout(finished[slow[i]]) == $"start\nend {i}\n", $"job {slow[i]}: {finished[slow[i]]}");
            Assert.NotEmpty(cutOff);
            foreach (var (id, (attempt, _)) in cutOff)
            {
                Assert.True(HostOf(finished[id]) == "a" && finished[id].GetProperty("attempts").GetInt32() > attempt,
                    $"job {id}, cut off on host b at attempt {attempt}, was not taken over by host a: {finished[id]}");
            }
            // Stay cut until b's attempts gave up (their result and then their failure record timed out): those
            // writes now wait in b's TCP send buffers and land once the link is back, after host a's results.
            await WaitUntilAsync(() => Task.FromResult(cutOff.Keys.All(id => LeftUnfinishedOnB(app, id))),
                () => $"host b's cut-off attempts to give up ({string.Join(", ", cutOff.Keys)})\n{HostLogs(app, "b")}", deadline.Token);
        }
        finally
        {
            hosts.Restore("b");
        }

        // 3. Host b is back and takes work again. Once each cut-off worker finished a new job, everything it wrote
        // before has reached Redis (one connection, in order): its late writes must have changed no outcome.
        var rejoined = new Dictionary<string, JsonElement>();
        await WaitUntilAsync(async () =>
        {
            var batch = await SubmitAllAsync(http, Enumerable.Range(0, 8).Select(i => $"print('after {i}')"));
            foreach (var (id, job) in await WaitAllCompletedAsync(http, batch, TimeSpan.FromMinutes(2), deadline.Token)) rejoined[id] = job;
            return cutOff.Values.All(c => rejoined.Values.Any(j => j.GetProperty("worker").GetString() == c.Worker));
        }, () => $"every cut-off worker of host b to finish a job after the link came back\n{HostLogs(app, "b")}", deadline.Token);
        var final = await GetAllAsync(http, slow);
        foreach (var id in slow)
        {
            Assert.True(Status(final[id]) == "completed", $"job {id} is no longer completed after host b came back: {final[id]}\n{HostLogs(app, "b")}");
            Assert.Equal(finished[id].GetProperty("attempts").GetInt32(), final[id].GetProperty("attempts").GetInt32());
            Assert.Equal(Stdout(finished[id]), Stdout(final[id]));
            Assert.Equal(1, await FinishAnnouncementsAsync(redis, id));
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"spread: {string.Join(", ", perHost.Select(p => $"{p.Key}={p.Value}"))}; cut off on b: {cutOff.Count}; " +
            $"after restore on b: {rejoined.Values.Count(j => HostOf(j) == "b")} of {rejoined.Count}");
    }

    /// <summary>The graph the AppHost runs, with each resource placed on its simulated host.</summary>
    private static Task<RunningGraph> StartAcrossHostsAsync(NetworkHosts hosts, CancellationToken ct)
    {
        var options = new GoxecGraphOptions
        {
            ApiPort = 0,
            BuildWeb = false,
            Environment = new Dictionary<string, string>
            {
                ["Gateway__AdminKey"] = AdminKey,
                ["Worker__Concurrency"] = "2",
                ["Worker__ReclaimIdle"] = "00:00:03",
                ["Worker__ReclaimInterval"] = "00:00:01",
            },
        };
        return RunningGraph.StartAsync(options, ct, builder =>
        {
            var redis = builder.CreateResourceBuilder((RedisServerResource)builder.Resources.Single(r => r.Name == "redis"))
                .WithNetworkPlacement(hosts["core"]);
            builder.CreateResourceBuilder((ProjectResource)builder.Resources.Single(r => r.Name == "api")).WithNetworkPlacement(hosts["core"]);
            builder.Resources.Remove(builder.Resources.Single(r => r.Name == "worker"));
            foreach (var (consumer, host) in s_hostOfWorker)
                GoxecGraph.AddWorkers(builder, consumer[..^2], redis, options, replicas: 1).WithNetworkPlacement(hosts[host]);
        });
    }

    /// <summary>Host b's worker gave up on the job's attempt: Redis was out of reach even for its failure record.</summary>
    private static bool LeftUnfinishedOnB(RunningGraph app, string id) =>
        Workers(app, "b").SelectMany(w => w.RecentLogs)
            .Any(line => line.Contains(id, StringComparison.Ordinal) && line.Contains("was left unfinished", StringComparison.Ordinal));

    private static async Task<List<string>> SubmitAllAsync(HttpClient http, IEnumerable<string> programs)
    {
        var ids = new List<string>();
        foreach (var code in programs)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code }, Ct).WaitAsync(Timeout, Ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
            ids.Add(body.GetProperty("id").GetString()!);
        }
        return ids;
    }

    private static async Task<Dictionary<string, JsonElement>> GetAllAsync(HttpClient http, IEnumerable<string> ids)
    {
        var jobs = new Dictionary<string, JsonElement>();
        foreach (var id in ids) jobs[id] = await http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}", Ct).WaitAsync(Timeout, Ct);
        return jobs;
    }

    private static async Task<Dictionary<string, JsonElement>> WaitAllCompletedAsync(HttpClient http, List<string> ids, TimeSpan within, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(within);
        while (true)
        {
            var jobs = await GetAllAsync(http, ids);
            if (jobs.Values.All(j => Status(j) == "completed")) return jobs;
            try { await Task.Delay(250, limit.Token); }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Not every job completed within {within}: {string.Join("\n", jobs.Values.Where(j => Status(j) != "completed"))}");
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            try { await Task.Delay(100, limit.Token); }
            catch (OperationCanceledException) { Assert.Fail($"Gave up waiting for {what()}."); }
        }
    }

    private static async Task<int> FinishAnnouncementsAsync(StackExchange.Redis.IConnectionMultiplexer redis, string id)
    {
        var finished = await new JobQueue(redis).AllFinishedAsync(Ct).WaitAsync(Timeout, Ct);
        return finished.Count(f => f == id);
    }

    private static string? Status(JsonElement job) => job.GetProperty("status").GetString();

    private static string? Stdout(JsonElement job) => job.GetProperty("run").GetProperty("stdout").GetString();

    private static string HostOf(JsonElement job) =>
        job.GetProperty("worker").GetString() is { } worker && s_hostOfWorker.TryGetValue(worker, out var host) ? host : "?";

    private static IEnumerable<ResourceReplica> Workers(RunningGraph app, string host) =>
        app.Instances.Where(w => s_hostOfWorker.GetValueOrDefault(w.Name) == host);

    private static string HostLogs(RunningGraph app, string host) =>
        string.Join('\n', Workers(app, host).SelectMany(w => w.RecentLogs.Select(line => $"{w.Name} | {line}")));

    private static string Logs(RunningGraph app) => app.RecentLogs(30);
}
