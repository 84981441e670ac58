using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Docker;
using Goxec.Graph;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Goxec.Tests.Pipeline;
using StackExchange.Redis;

namespace Goxec.Tests.Streaming;

/// <summary>
/// <c>DELETE /api/v1/jobs/{id}</c> (and Judge0's) on the real graph: a queued job never runs, a running one is stopped
/// and its sandbox is gone by the time the cancel is answered (the docker driver's container, the namespace driver's
/// stage processes), a finished one keeps its verdict; each ends exactly
/// once, with one result event.
/// </summary>
[Collection(StreamingCollection.Name)]
public sealed class CancelTests(StreamingGraphFixture graph) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = GoxecGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly DockerClient _docker = new();
    private ConnectionMultiplexer _redis = null!;

    /// <summary>Prints, then sleeps far longer than any test waits: only a cancel ends it in time.</summary>
    private static object Sleeper(string name) => new
    {
        language = "python",
        code = $"import time\nprint('{name} started', flush=True)\ntime.sleep(600)\n",
        limits = new { wallTimeMs = 30_000 },
    };

    /// <summary>
    /// What runs the job on this run's driver: its containers (docker), or the processes in its stage cgroups
    /// (namespaces, which has no container). Empty once the job's sandbox is gone.
    /// </summary>
    private async Task<IReadOnlyList<string>> SandboxOfAsync(string id) => TestDriver.Namespaces
        ? NamespaceLeftovers.Processes(id)
        : [.. (await JobContainers.ListAsync(_docker, id, Ct)).Select(c => c.Id)];

    public async ValueTask InitializeAsync() => _redis = await RedisConnections.ConnectAsync(graph.App.ConnectionString("redis"));

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        _docker.Dispose();
    }

    [Fact]
    public async Task A_running_job_is_stopped_its_sandbox_is_gone_when_the_cancel_answers_and_it_ends_cancelled_once()
    {
        var id = await graph.SubmitAsync(Sleeper("sleeper"));
        await using var watcher = await StreamClient.ConnectAsync(graph.Api(1), $"/api/v1/jobs/{id}/stream", Ct, key: GoxecGraphFixture.AdminKey);
        await ReceiveUntilAsync(watcher, m => m.GetProperty("type").GetString() == "stdout");
        Assert.NotEmpty(await SandboxOfAsync(id).WaitAsync(Timeout, Ct));

        var clock = Stopwatch.StartNew();
        var cancelled = await CancelAsync($"/api/v1/jobs/{id}");
        var answered = clock.Elapsed;
        var left = await SandboxOfAsync(id).WaitAsync(Timeout, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"cancel answered in {answered.TotalMilliseconds:F0} ms");

        Assert.Equal("completed", cancelled.GetProperty("status").GetString());
        GoxecGraphFixture.AssertVerdict("cancelled", cancelled);
        Assert.Empty(left);
        // The live reader sees the end once, as a result like any other, and the socket closes.
        var messages = await watcher.ReadToEndAsync(Within(Timeout));
        Assert.Single(messages, m => m.GetProperty("type").GetString() == "result");
        Assert.Equal("cancelled", messages.Last().GetProperty("data").GetProperty("verdict").GetString());
        // A second cancel changes nothing.
        GoxecGraphFixture.AssertVerdict("cancelled", await CancelAsync($"/api/v1/jobs/{id}"));
        Assert.Equal(1, await ResultEventsAsync(id));
    }

    [Fact]
    public async Task A_queued_job_ends_at_once_and_never_runs()
    {
        // Both workers' slots (2 × 2) taken by sleepers, so the next job waits in the queue.
        var sleepers = new List<string>();
        for (var i = 0; i < 4; i++) sleepers.Add(await graph.SubmitAsync(Sleeper($"s{i}")));
        foreach (var sleeper in sleepers) await graph.WaitForJobAsync(sleeper, j => j.GetProperty("status").GetString() == "running", Timeout);
        var queued = await graph.SubmitAsync(new { language = "python", code = "print('must not run')" });

        var cancelled = await CancelAsync($"/api/v1/jobs/{queued}");

        Assert.Equal("completed", cancelled.GetProperty("status").GetString());
        GoxecGraphFixture.AssertVerdict("cancelled", cancelled);
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("startedAt").ValueKind);
        // Freeing the slots (each sleeper cancelled while it runs): a worker then reads the cancelled job's entry and
        // acknowledges it without running it, so the work stream empties and the job has only its result event.
        foreach (var sleeper in sleepers) GoxecGraphFixture.AssertVerdict("cancelled", await CancelAsync($"/api/v1/jobs/{sleeper}"));
        await WaitAsync(async () => await _redis.GetDatabase().StreamLengthAsync(JobKeys.Stream) == 0, "the work stream to empty");
        var after = await graph.GetJobAsync(queued);
        Assert.Equal(0, after.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("run").ValueKind);
        var events = await _redis.GetDatabase().StreamRangeAsync(JobKeys.Events(queued));
        Assert.Equal(["result"], events.Select(e => e["type"].ToString()));
        foreach (var sleeper in sleepers) Assert.Equal(1, await ResultEventsAsync(sleeper));
    }

    [Fact]
    public async Task A_finished_job_keeps_its_verdict()
    {
        var id = (await graph.RunAsync(new { language = "python", code = "print('done')" })).GetProperty("id").GetString()!;

        var answer = await CancelAsync($"/api/v1/jobs/{id}");

        GoxecGraphFixture.AssertVerdict("accepted", answer);
        Assert.Equal("done\n", answer.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal(1, await ResultEventsAsync(id));
    }

    [Fact]
    public async Task Judge0s_delete_stops_a_running_submission()
    {
        using var submitted = await graph.Http.PostAsJsonAsync("/judge0/submissions",
            new { language_id = 71, source_code = "import time\nprint('on', flush=True)\ntime.sleep(600)\n", wall_time_limit = 30 }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var token = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
        var id = Guid.Parse(token).ToString("N");
        await graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "running", Timeout);

        var deleted = await CancelAsync($"/judge0/submissions/{token}?fields=token,status,message,stdout");

        Assert.Equal(12, deleted.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Contains("Cancelled", deleted.GetProperty("message").GetString());
        Assert.Empty(await SandboxOfAsync(id).WaitAsync(Timeout, Ct));
        Assert.Equal(1, await ResultEventsAsync(id));
    }

    [Fact]
    public async Task An_interactive_run_is_stopped_by_a_cancel_and_its_socket_gets_the_result()
    {
        await using var run = await StreamClient.ConnectAsync(graph.Api(0), "/api/v1/run", Ct, key: GoxecGraphFixture.AdminKey);
        await run.SendAsync(new { type = "init", language = "python", code = "print('waiting', flush=True)\ninput()\n" }, Ct);
        var status = await ReceiveUntilAsync(run, m => m.GetProperty("type").GetString() == "status");
        var id = status.GetProperty("data").GetProperty("id").GetString()!;
        await ReceiveUntilAsync(run, m => m.GetProperty("type").GetString() == "stdout");

        GoxecGraphFixture.AssertVerdict("cancelled", await CancelAsync($"/api/v1/jobs/{id}"));

        var messages = await run.ReadToEndAsync(Within(Timeout));
        Assert.Single(messages, m => m.GetProperty("type").GetString() == "result");
        Assert.Equal("cancelled", messages.Last().GetProperty("data").GetProperty("verdict").GetString());
        Assert.Empty(await SandboxOfAsync(id).WaitAsync(Timeout, Ct));
    }

    /// <summary>DELETE as the suite's operator; the answer must be 200 (the job has ended).</summary>
    private async Task<JsonElement> CancelAsync(string path)
    {
        using var response = await graph.Http.DeleteAsync(path, Ct).WaitAsync(Timeout, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"DELETE {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private async Task<int> ResultEventsAsync(string id) =>
        (await _redis.GetDatabase().StreamRangeAsync(JobKeys.Events(id)).WaitAsync(Timeout, Ct)).Count(e => e["type"] == "result");

    private static async Task<JsonElement> ReceiveUntilAsync(StreamClient client, Func<JsonElement, bool> wanted)
    {
        var ct = Within(Timeout);
        while (await client.ReceiveAsync(ct) is { } message)
            if (wanted(message)) return message;
        throw new Xunit.Sdk.XunitException("The stream closed before the expected message: " + string.Join('\n', client.Messages));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var ct = Within(Timeout);
        while (!await condition())
        {
            try { await Task.Delay(100, ct); }
            catch (OperationCanceledException) { Assert.Fail($"Timed out waiting for {what}"); }
        }
    }

    private static CancellationToken Within(TimeSpan timeout)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        return cts.Token;
    }
}
