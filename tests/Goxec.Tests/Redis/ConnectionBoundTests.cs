using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.AppHost;
using Goxec.Graph;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Goxec.Tests.Streaming;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Goxec.Tests.Redis;

/// <summary>
/// One Api replica holds <see cref="Bound"/> Redis connection(s) however many live-output subscribers and
/// <c>?wait=true</c> callers it serves: readers wait on pub/sub nudges, never on a blocked connection.
/// No workers: the test finishes the jobs the way a worker does, through the jobs layer.
/// </summary>
public sealed class ConnectionBoundTests : IAsyncLifetime
{
    /// <summary>The multiplexer's two: one for commands, one for every subscription.</summary>
    public const int Bound = 2;
    private const int Subscribers = 200;
    private const int Waiters = 200;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private RunningGraph _app = null!;
    private ConnectionMultiplexer _redis = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        var options = new GoxecGraphOptions
        {
            ApiPort = 0,
            BuildWeb = false,
            Environment = new Dictionary<string, string>
            {
                ["Gateway__Anonymous__Rate"] = "100000",
                ["Gateway__Anonymous__Burst"] = "100000",
                ["Gateway__Anonymous__MaxConcurrentJobs"] = "100000",
                ["Submission__MaxWait"] = "00:02:00",
            },
        };
        using var start = new CancellationTokenSource(RunningGraph.StartTimeout);
        // The graph without its workers: the test finishes the jobs itself.
        _app = await RunningGraph.StartAsync(options, start.Token, builder => builder.Resources.Remove(builder.Resources.Single(r => r.Name == "worker")));
        _redis = await RedisConnections.ConnectAsync(_app.ConnectionString("redis"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_subscribers_and_two_hundred_waiters_hold_the_api_at_two_connections_and_all_get_their_output()
    {
        var api = _app.GetEndpoint("api");
        using var http = new HttpClient { BaseAddress = api, Timeout = Timeout };
        var store = new JobStore(_redis, Options.Create(new JobStoreOptions()), TimeProvider.System);
        var log = new JobEventLog(_redis);

        var streamed = await Task.WhenAll(Enumerable.Range(0, Subscribers).Select(async _ =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)" }, Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        }));
        var clients = await Task.WhenAll(streamed.Select(id => StreamClient.ConnectAsync(api, $"/api/v1/jobs/{id}/stream", Ct).WaitAsync(Timeout, Ct)));
        // Each has its first message (the status) before the connections are counted: all 200 are subscribed.
        await Task.WhenAll(clients.Select(c => c.ReceiveAsync(Ct).WaitAsync(Timeout, Ct)));
        var reading = clients.Select(c => c.ReadToEndAsync(Ct).WaitAsync(Timeout, Ct)).ToArray();

        var waiting = Enumerable.Range(0, Waiters).Select(async i =>
        {
            using var response = await http.PostAsJsonAsync("/api/v1/jobs?wait=true", new { language = "python", code = $"print({i})" }, Ct).WaitAsync(Timeout, Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }).ToArray();
        var db = _redis.GetDatabase();
        using (var all = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            all.CancelAfter(Timeout);
            while (await db.StreamLengthAsync(JobKeys.Stream) < Subscribers + Waiters) await Task.Delay(100, all.Token);
        }
        Assert.InRange(await ApiConnectionsAsync(), 1, Bound);

        var waited = (await db.StreamRangeAsync(JobKeys.Stream)).Select(e => e["id"].ToString()).Except(streamed).ToList();
        Assert.Equal(Waiters, waited.Count);
        await Task.WhenAll(streamed.Select(async id =>
        {
            await store.StartAsync(id, "bound-test", Ct).WaitAsync(Timeout, Ct);
            await log.AppendAsync(id, [new JobEvent("1-1", JobEvents.Stdout, $"out-{id}\n")], TimeSpan.FromHours(1), null, Ct).WaitAsync(Timeout, Ct);
            await FinishAsync(store, id);
        }));
        await Task.WhenAll(waited.Select(async id =>
        {
            await store.StartAsync(id, "bound-test", Ct).WaitAsync(Timeout, Ct);
            await FinishAsync(store, id);
        }));

        var outputs = await Task.WhenAll(reading);
        for (var i = 0; i < Subscribers; i++)
        {
            Assert.Equal($"out-{streamed[i]}\n", StreamClient.Output(outputs[i]));
            Assert.Equal("result", outputs[i][^1].GetProperty("type").GetString());
        }
        foreach (var (status, body) in await Task.WhenAll(waiting))
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("completed", body.GetProperty("status").GetString());
        }
        Assert.InRange(await ApiConnectionsAsync(), 1, Bound);
        foreach (var client in clients) await client.DisposeAsync();
    }

    private static async Task FinishAsync(JobStore store, string id) =>
        Assert.True(await store.CompleteAsync(id, new JobResult(Verdict.Accepted, null, new StageResult("1\n", "", 0, null, 1), null, "bound-test", 1),
            entryId: null, Ct).WaitAsync(Timeout, Ct));

    /// <summary>The Api's connections as Redis sees them (CLIENT LIST), by the client name it sets.</summary>
    private async Task<int> ApiConnectionsAsync()
    {
        var clients = await _redis.GetServers()[0].ClientListAsync().WaitAsync(Timeout, Ct);
        return clients.Count(c => c.Name == "Goxec.Api");
    }
}
