using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Goxec.Tests.Redis;

/// <summary>
/// The Lua scripts run by SHA (EVALSHA) and survive what empties Redis's script cache: SCRIPT FLUSH, and a real
/// kill and restart of redis-server, with the client reconnecting by itself.
/// </summary>
public sealed class ScriptRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JobSpec Spec(string id) => new(id, "python", [new SourceFile("main.py", "print(1)")], "", [], DateTimeOffset.UtcNow);

    [Fact]
    public async Task Scripts_run_by_sha_and_keep_working_after_a_script_flush_and_a_redis_restart()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true, ct: Ct);
        await using var redis = await RedisConnections.ConnectAsync(server.ConnectionString);
        var store = new JobStore(redis, Options.Create(new JobStoreOptions()), TimeProvider.System);

        Assert.True((await store.EnqueueAsync(Spec("s1"), null, null, Ct).WaitAsync(Timeout, Ct)).IsNew);
        Assert.True((await store.EnqueueAsync(Spec("s2"), null, null, Ct).WaitAsync(Timeout, Ct)).IsNew);
        Assert.True(await CallsAsync(redis, "evalsha") >= 2, "the second enqueue should have run the cached script by its SHA");

        await redis.GetServers()[0].ScriptFlushAsync().WaitAsync(Timeout, Ct);
        Assert.True((await store.EnqueueAsync(Spec("s3"), null, null, Ct).WaitAsync(Timeout, Ct)).IsNew);

        await server.RestartAsync().WaitAsync(Timeout, Ct);
        // The client reconnects by itself; the first command after the restart may still meet the old connection.
        Enqueued? after = null;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            deadline.CancelAfter(Timeout);
            while (after is null)
            {
                try { after = await store.EnqueueAsync(Spec("s4"), null, "restart-key", Ct).WaitAsync(Timeout, deadline.Token); }
                catch (RedisConnectionException) { await Task.Delay(100, deadline.Token); }
            }
        }
        Assert.True(after.IsNew);
        // Nothing acknowledged before the restart was lost (AOF), and the new script cache was filled again.
        foreach (var id in new[] { "s1", "s2", "s3", "s4" })
            Assert.Equal(JobStatus.Queued, (await store.GetAsync(id, Ct).WaitAsync(Timeout, Ct))?.Status);
        Assert.Equal(new Enqueued("s4", IsNew: false), await store.EnqueueAsync(Spec("s5"), null, "restart-key", Ct).WaitAsync(Timeout, Ct));
        Assert.True(await CallsAsync(redis, "evalsha") >= 1);
    }

    /// <summary>How often the server ran a command since it started (INFO commandstats).</summary>
    private static async Task<long> CallsAsync(IConnectionMultiplexer redis, string command)
    {
        var info = await redis.GetServers()[0].InfoRawAsync("commandstats").WaitAsync(Timeout, Ct);
        var line = info!.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
