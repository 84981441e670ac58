using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Docker;
using Goxec.Graph;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Reliability;

/// <summary>Every accepted job reaches exactly one visible outcome: through crashes, shutdowns and poison.</summary>
[Collection(RecoveryCollection.Name)]
public class RecoveryTests(RecoveryGraphFixture graph)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object SlowJob(string tag) => new
    {
        language = "python",
        code = $"import time\nprint('start {tag}', flush=True)\ntime.sleep(3)\nprint('end {tag}')",
    };

    private async Task<ResourceReplica> WorkerRunningAsync(string id)
    {
        var running = await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "running", Timeout);
        var name = running.GetProperty("worker").GetString();
        return graph.App.GetReplicas("worker").Single(w => w.Name == name);
    }

    private async Task<int> FinishAnnouncementsAsync(string id)
    {
        return (await new JobQueue(graph.Redis).AllFinishedAsync(Ct)).Count(f => f == id);
    }

    [Fact]
    public async Task A_job_whose_worker_is_killed_completes_once_elsewhere_and_its_container_is_reaped()
    {
        var id = await graph.SubmitAsync(SlowJob("kill"));
        var worker = await WorkerRunningAsync(id);

        await worker.KillAsync(Signal.SIGKILL, Ct).WaitAsync(Timeout, Ct);
        var job = await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "completed", Timeout);

        Assert.Equal("accepted", job.GetProperty("verdict").GetString());
        Assert.Equal("start kill\nend kill\n", job.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal(1, await FinishAnnouncementsAsync(id));

        using var docker = new DockerClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        // The killed worker's container is reaped; under the namespace driver its sandbox died with it (its groups stay, empty, for the janitor).
        while ((await JobContainers.ListAsync(docker, id, deadline.Token)).Count > 0 || NamespaceLeftovers.Processes(id).Count > 0)
            await Task.Delay(250, deadline.Token);
    }

    [Fact]
    public async Task A_worker_told_to_stop_finishes_its_running_job_first()
    {
        var id = await graph.SubmitAsync(SlowJob("drain"));
        var worker = await WorkerRunningAsync(id);
        var pool = TestDriver.Namespaces ? [] : await IdlePoolContainersAsync(worker.Name);

        await worker.KillAsync(Signal.SIGTERM, Ct).WaitAsync(Timeout, Ct);
        var job = await graph.GetJobAsync(id);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal("start drain\nend drain\n", job.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal(0, worker.LastExitCode);
        // Its warm pool went with it.
        using var docker = new DockerClient();
        var left = await docker.ListContainersAsync([ContainerSpecFactory.PoolLabel], Ct).WaitAsync(Timeout, Ct);
        Assert.DoesNotContain(left, c => pool.Contains(c.Id));
    }

    /// <summary>The worker's idle warm containers (python is prewarmed by default), once it has at least one.</summary>
    private async Task<HashSet<string>> IdlePoolContainersAsync(string worker)
    {
        using var docker = new DockerClient();
        var cluster = (string?)await graph.Redis.GetDatabase().StringGetAsync(JobKeys.Cluster);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            var idle = await docker.ListContainersAsync([ContainerSpecFactory.PoolLabel, $"{ContainerSpecFactory.WorkerLabel}={worker}",
                $"{ContainerSpecFactory.ClusterLabel}={cluster}"], deadline.Token);
            if (idle.Any(c => c.Names.Any(n => n.StartsWith("goxec-pool-", StringComparison.Ordinal)))) return [.. idle.Select(c => c.Id)];
            await Task.Delay(100, deadline.Token);
        }
    }

    [Fact]
    public async Task A_job_whose_sandbox_cannot_start_is_dead_lettered_after_three_attempts()
    {
        var id = await graph.SubmitAsync(new { language = "ghost", code = "boo" });

        var job = await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead_lettered", Timeout);

        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.Equal("internal_error", job.GetProperty("verdict").GetString());
        Assert.Contains("goxec/runtime-ghost", job.GetProperty("message").GetString());
        var letter = await DeadLetterAsync(id);
        Assert.Equal("infrastructure_error", letter.GetProperty("reason").GetString());
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Contains("goxec/runtime-ghost", letter.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_malformed_stream_entry_is_dead_lettered_at_once_and_acknowledged()
    {
        var db = graph.Redis.GetDatabase();
        var entry = (string)(await db.StreamAddAsync(JobKeys.Stream, "garbage", "1"))!;
        var unknownSchema = (string)(await db.StreamAddAsync(JobKeys.Stream, [new("id", "abc123"), new("v", "99")]))!;

        var letter = await DeadLetterAsync(entry);
        var schema = await DeadLetterAsync("abc123");

        Assert.Equal("malformed_entry", letter.GetProperty("reason").GetString());
        Assert.Equal("unknown_schema", schema.GetProperty("reason").GetString());
        var pending = await db.StreamPendingMessagesAsync(JobKeys.Stream, JobKeys.Group, 100, StackExchange.Redis.RedisValue.Null);
        Assert.DoesNotContain(pending, p => p.MessageId == entry || p.MessageId == unknownSchema);
    }

    [Fact]
    public async Task A_dead_letter_can_be_retried_and_deleted_by_the_operator()
    {
        var id = await graph.SubmitAsync(new { language = "ghost", code = "boo" });
        await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead_lettered", Timeout);

        using var retry = await graph.Http.PostAsync($"/api/v1/dead-letters/{id}/retry", null, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "dead_lettered", Timeout);
        Assert.Equal(3, again.GetProperty("attempts").GetInt32());

        using var delete = await graph.Http.DeleteAsync($"/api/v1/dead-letters/{id}", Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var letters = await graph.Http.GetFromJsonAsync<JsonElement>("/api/v1/dead-letters", Ct).WaitAsync(Timeout, Ct);
        Assert.DoesNotContain(letters.EnumerateArray(), l => l.GetProperty("id").GetString() == id);
        using var missing = await graph.Http.PostAsync($"/api/v1/dead-letters/{id}/retry", null, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_job()
    {
        var key = Guid.NewGuid().ToString();
        async Task<string> SubmitAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(new { language = "python", code = "print('once')" }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await graph.Http.SendAsync(request, Ct).WaitAsync(Timeout, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, response.StatusCode.ToString());
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        }

        var first = await SubmitAsync();
        var second = await SubmitAsync();
        await graph.WaitForJobAsync(first, j => j.GetProperty("status").GetString() == "completed", Timeout);
        var third = await SubmitAsync();

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(1, await FinishAnnouncementsAsync(first));
    }

    [Fact]
    public async Task Stats_show_the_queue_the_live_workers_and_the_verdicts()
    {
        await graph.RunAsync(new { language = "python", code = "print('stats')" });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        JsonElement stats;
        do
        {
            await Task.Delay(250, deadline.Token);
            stats = await graph.Http.GetFromJsonAsync<JsonElement>("/api/v1/stats", deadline.Token);
        }
        while (stats.GetProperty("workers").EnumerateArray().Count(w => w.GetProperty("alive").GetBoolean()) < 2);

        Assert.Equal(["worker-0", "worker-1"], stats.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("name").GetString()).Order());
        Assert.True(stats.GetProperty("verdicts").GetProperty("accepted").GetInt64() >= 1);
        Assert.True(stats.GetProperty("throughput").EnumerateArray().Sum(p => p.GetProperty("completed").GetInt64()) >= 1);
        var latest = stats.GetProperty("throughput").EnumerateArray().Last(p => p.GetProperty("completed").GetInt64() > 0);
        Assert.True(latest.GetProperty("p50Ms").GetInt64() > 0 && latest.GetProperty("p95Ms").GetInt64() >= latest.GetProperty("p50Ms").GetInt64(), latest.ToString());
        Assert.True(stats.GetProperty("queue").TryGetProperty("length", out _));
    }

    private async Task<JsonElement> DeadLetterAsync(string id)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        while (true)
        {
            var letters = await graph.Http.GetFromJsonAsync<JsonElement>("/api/v1/dead-letters", deadline.Token);
            var letter = letters.EnumerateArray().FirstOrDefault(l => l.GetProperty("id").GetString() == id);
            if (letter.ValueKind == JsonValueKind.Object) return letter;
            await Task.Delay(200, deadline.Token);
        }
    }
}
