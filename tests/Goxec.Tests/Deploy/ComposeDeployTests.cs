using System.Diagnostics;
using System.Net.Http.Json;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Deploy;

/// <summary>
/// The published docker-compose.yml, run for real with Debian's docker-compose and the locally built
/// app images: 3 workers take jobs, a worker container killed mid-job loses nothing and runs nothing
/// twice, and <c>--scale worker=5</c> spreads new jobs over the added workers. Slow (image builds):
/// Category=Deploy, run by <c>./goxec test --deploy</c>.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class ComposeDeployTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(5);
    private readonly string _project = "goxec-deploy-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _token = Guid.NewGuid().ToString("N")[..8];
    private PublishedFiles? _files;
    private string _compose = "";
    private Dictionary<string, string> _environment = [];
    private HttpClient? _http;

    public async ValueTask InitializeAsync()
    {
        Prerequisite.RequireDocker();
        _compose = Prerequisite.RequireExecutable("docker-compose", "apt-get install docker-compose, or run ./goxec test --deploy");
        var clock = Stopwatch.StartNew();
        await Cli.CheckAsync("bash", Root, TimeSpan.FromMinutes(20), null, "scripts/app-images.sh");
        output.WriteLine($"app images ready in {clock.Elapsed.TotalSeconds:F0} s");

        _files = PublishedFiles.Publish("compose", workers: 3, imageTags: Path.Combine(Root, ".goxec/app-images/tags.env"), environment: new Dictionary<string, string>
        {
            // A killed worker's job is reclaimed after 5 s instead of the production default.
            ["Worker__ReclaimIdle"] = "00:00:05",
            ["Worker__ReclaimInterval"] = "00:00:01",
            ["Worker__Concurrency"] = "2",
        });
        var port = FreePort();
        _environment = new() { ["GOXEC_API_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        // The deployment lets no one in without a key: the test is its operator, with the generated admin key (unlimited).
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new("Bearer", _files.Env("secrets/parameters.env")["admin-key"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_files is not null)
        {
            // Job containers run on the host engine outside the project: remove this deployment's by its cluster label.
            var (_, cluster) = await Compose(TimeSpan.FromSeconds(30), [.. RedisCli, "GET", Goxec.Jobs.JobKeys.Cluster]);
            cluster = cluster.Trim();
            await Compose(TimeSpan.FromMinutes(3), "down", "--volumes", "--remove-orphans", "--timeout", "5");
            if (cluster.Length == 32)
            {
                var (_, ids) = await Cli.RunAsync("docker", Root, "ps", "-aq", "--filter", $"label={Worker.Sandbox.ContainerSpecFactory.ClusterLabel}={cluster}");
                foreach (var id in ids.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await Cli.RunAsync("docker", Root, "rm", "-f", id);
            }
            _files.Dispose();
        }
        _http?.Dispose();
    }

    [Fact]
    public async Task Jobs_survive_a_killed_worker_container_and_spread_over_scaled_workers()
    {
        var clock = Stopwatch.StartNew();
        await ComposeCheck(TimeSpan.FromMinutes(5), "up", "-d");
        Assert.Equal(3, (await Containers("worker")).Count);
        await WaitHealthyAsync();
        output.WriteLine($"up with 3 workers in {clock.Elapsed.TotalSeconds:F0} s");
        await AssertClosedToStrangersAsync();

        // Every fourth job sleeps, so a kill finds one running.
        var first = await SubmitAsync(60, i => i % 4 == 0 ? 2.0 : 0);
        var (victimJob, victimWorker) = await WaitForRunningJobAsync(first.Where(j => j.Value % 4 == 0).Select(j => j.Key));
        var victimContainer = (await Containers("worker")).Single(id => victimWorker.StartsWith(id[..12], StringComparison.Ordinal));
        await Cli.CheckAsync("docker", Root, TimeSpan.FromMinutes(1), null, "kill", victimContainer);
        output.WriteLine($"killed worker {victimWorker} while it ran job {victimJob}");

        var finished = await WaitAllFinishedAsync(first);
        await AssertExactlyOnceAsync(first, finished);
        // Taken over after the kill: by another worker (XAUTOCLAIM), or by the same container restarted by
        // its restart policy, which keeps its consumer name (host name + pid 1) and finishes its own entries first.
        Assert.True(finished[victimJob].Attempts >= 2, $"job {victimJob} ran {finished[victimJob].Attempts} time(s)");
        var restarts = (await Cli.CheckAsync("docker", Root, TimeSpan.FromMinutes(1), null, "inspect", "-f", "{{.RestartCount}}", victimContainer)).Trim();
        output.WriteLine($"60 jobs done exactly once after the kill in {clock.Elapsed.TotalSeconds:F0} s; the killed job finished on {finished[victimJob].Worker} " +
                         $"(attempt {finished[victimJob].Attempts}); the killed container restarted {restarts} time(s)");

        var before = await Containers("worker");
        await ComposeCheck(TimeSpan.FromMinutes(5), "up", "-d", "--scale", "worker=5");
        var after = await Containers("worker");
        Assert.Equal(5, after.Count);
        await WaitHealthyAsync();
        var second = await SubmitAsync(40, _ => 1.0);
        var done = await WaitAllFinishedAsync(second);
        await AssertExactlyOnceAsync(second, done);
        var workers = done.Values.Select(j => j.Worker!).Distinct().ToList();
        output.WriteLine($"40 jobs over {workers.Count} workers: {string.Join(", ", done.Values.GroupBy(j => j.Worker).Select(g => $"{g.Key}={g.Count()}"))}");
        Assert.True(workers.Count >= 4, $"40 jobs ran on only {workers.Count} of 5 workers");
        var added = after.Except(before).ToList();
        Assert.Contains(workers, w => added.Any(id => w.StartsWith(id[..12], StringComparison.Ordinal)));

        await AssertTornDownCleanAfterEveryWorkerIsKilledAsync();
        output.WriteLine($"whole run {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// Every worker killed (and kept down, as a host that died) while jobs run and pools wait leaves their containers on the
    /// engine; <c>docker-compose down</c> stops the janitor after the workers, and it removes them: nothing of the deployment is left.
    /// </summary>
    private async Task AssertTornDownCleanAfterEveryWorkerIsKilledAsync()
    {
        var cluster = (await RedisCliAsync("GET", JobKeys.Cluster)).Trim();
        var sleeping = await SubmitAsync(10, _ => 30);
        var deadline = Stopwatch.StartNew();
        while (!(await Task.WhenAll(sleeping.Keys.Select(GetAsync))).Any(j => j.Status == JobStatus.Running))
        {
            if (deadline.Elapsed > Settle) Assert.Fail("none of the sleeping jobs was seen running");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        var workers = await Containers("worker");
        await Cli.CheckAsync("docker", Root, TimeSpan.FromMinutes(1), null, ["update", "--restart=no", .. workers]);
        await Cli.CheckAsync("docker", Root, TimeSpan.FromMinutes(1), null, ["kill", .. workers]);
        var left = await EngineContainersAsync("label=" + Worker.Sandbox.ContainerSpecFactory.ClusterLabel + "=" + cluster);
        output.WriteLine($"{workers.Count} workers killed; {left.Count} job or warm container(s) of deployment {cluster} left on the engine");
        Assert.NotEmpty(left);

        await ComposeCheck(TimeSpan.FromMinutes(3), "down", "--timeout", "10");

        Assert.Empty(await EngineContainersAsync("label=" + Worker.Sandbox.ContainerSpecFactory.ClusterLabel + "=" + cluster));
        Assert.Empty(await EngineContainersAsync($"label=com.docker.compose.project={_project}"));
    }

    /// <summary>Names of every container on the engine, running or not, that matches the filter.</summary>
    private static async Task<List<string>> EngineContainersAsync(string filter)
    {
        var (_, names) = await Cli.RunAsync("docker", Root, "ps", "-a", "--filter", filter, "--format", "{{.Names}}");
        return [.. names.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Without a key: no submission, no stats, dead letters or metrics; the health summary stays open.</summary>
    private async Task AssertClosedToStrangersAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        using var stranger = new HttpClient { BaseAddress = _http!.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var submitted = await stranger.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)" }, ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, submitted.StatusCode);
        foreach (var path in new[] { "/api/v1/stats", "/api/v1/dead-letters", "/metrics" })
        {
            using var refused = await stranger.GetAsync(path, ct);
            Assert.True(refused.StatusCode == System.Net.HttpStatusCode.Unauthorized, $"{path} answered {(int)refused.StatusCode} without a key");
            using var allowed = await _http.GetAsync(path, ct);
            Assert.True(allowed.IsSuccessStatusCode, $"{path} answered {(int)allowed.StatusCode} to the admin key");
        }
        using var health = await stranger.GetAsync("/health", ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    private static string Root => Goxec.AppHost.Repository.Root;

    private Task<(int ExitCode, string Output)> Compose(TimeSpan timeout, params string[] arguments) =>
        Cli.RunAsync(_compose, _files!.Directory, timeout, _environment, ["-p", _project, "-f", _files.Path("docker-compose.yml"), .. arguments]);

    private Task<string> ComposeCheck(TimeSpan timeout, params string[] arguments) =>
        Cli.CheckAsync(_compose, _files!.Directory, timeout, _environment, ["-p", _project, "-f", _files.Path("docker-compose.yml"), .. arguments]);

    /// <summary>Full ids of the service's running containers.</summary>
    private async Task<List<string>> Containers(string service)
    {
        var (_, ids) = await Cli.RunAsync("docker", Root, "ps", "-q", "--no-trunc",
            "--filter", $"label=com.docker.compose.project={_project}", "--filter", $"label=com.docker.compose.service={service}");
        return [.. ids.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Every container of the project answers its health check (the Api's /health needs Redis, workers' need the engine).</summary>
    private async Task WaitHealthyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (_, states) = await Cli.RunAsync("docker", Root, "ps", "--filter", $"label=com.docker.compose.project={_project}", "--format", "{{.Status}}");
            var lines = states.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length > 0 && lines.All(l => l.Contains("(healthy)", StringComparison.Ordinal))) return;
            if (deadline.Elapsed > Settle) Assert.Fail($"not healthy within {Settle}: {string.Join("; ", lines)}\n{(await Compose(TimeSpan.FromMinutes(1), "logs", "--tail", "30")).Output}");
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }
    }

    private async Task<Dictionary<string, int>> SubmitAsync(int count, Func<int, double> sleepSeconds)
    {
        var accepted = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var code = sleepSeconds(i) > 0
                ? $"import time\ntime.sleep({sleepSeconds(i).ToString(System.Globalization.CultureInfo.InvariantCulture)})\nprint('{Token(i)}')"
                : $"print('{Token(i)}')";
            using var response = await _http!.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code }, TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"job {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            var job = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobAccepted, TestContext.Current.CancellationToken);
            accepted[job!.Id] = i;
        }
        return accepted;
    }

    private string Token(int index) => $"deploy-{_token}-{index}";

    private async Task<JobView> GetAsync(string id) =>
        (await _http!.GetFromJsonAsync($"/api/v1/jobs/{id}", GoxecJsonContext.Default.JobView, TestContext.Current.CancellationToken))!;

    private async Task<(string Job, string Worker)> WaitForRunningJobAsync(IEnumerable<string> ids)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Settle)
        {
            foreach (var id in ids)
            {
                var job = await GetAsync(id);
                // A sleeping job that has just started: it will still be running when the kill lands.
                if (job is { Status: JobStatus.Running, Worker: { } worker, StartedAt: { } started } && DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(1))
                    return (id, worker);
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail("no job was seen running");
        return default;
    }

    private async Task<Dictionary<string, JobView>> WaitAllFinishedAsync(Dictionary<string, int> jobs)
    {
        var deadline = Stopwatch.StartNew();
        var finished = new Dictionary<string, JobView>();
        while (finished.Count < jobs.Count)
        {
            foreach (var id in jobs.Keys.Except(finished.Keys).ToList())
            {
                var job = await GetAsync(id);
                if (job.Status is JobStatus.Completed or JobStatus.DeadLettered) finished[id] = job;
            }
            if (deadline.Elapsed > Settle) Assert.Fail($"{jobs.Count - finished.Count} of {jobs.Count} jobs unfinished after {Settle}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        return finished;
    }

    /// <summary>
    /// Completed, the program's output printed once (a second visible run would repeat or replace it),
    /// announced once on goxec:finished, and nothing left pending in the consumer group.
    /// </summary>
    private async Task AssertExactlyOnceAsync(Dictionary<string, int> jobs, Dictionary<string, JobView> finished)
    {
        foreach (var (id, index) in jobs)
        {
            Assert.Equal(JobStatus.Completed, finished[id].Status);
            Assert.Equal(Token(index) + "\n", finished[id].Run?.Stdout);
        }
        var announced = (await RedisCliAsync("XRANGE", JobKeys.Finished, "-", "+")).Split('\n').Select(l => l.Trim()).Where(jobs.ContainsKey)
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(jobs.Count, announced.Count);
        Assert.All(announced, a => Assert.Equal(1, a.Value));
        var pending = (await RedisCliAsync("XPENDING", JobKeys.Stream, JobKeys.Group)).Split('\n')[0].Trim();
        Assert.Equal("0", pending);
    }

    /// <summary>redis-cli inside the Redis container, with the password from its own environment.</summary>
    private Task<string> RedisCliAsync(params string[] arguments) => ComposeCheck(TimeSpan.FromSeconds(30), [.. RedisCli, .. arguments]);

    private static readonly string[] RedisCli = ["exec", "-T", "redis", "sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" exec redis-cli \"$@\"", "redis-cli"];

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
