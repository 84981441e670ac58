using System.Text;
using Goxec.Redis;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Redis;

public sealed class RedisClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sets_and_gets_binary_values()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = await RedisClient.ConnectAsync(RedisOptions.Parse(server.ConnectionString), Ct).WaitAsync(Timeout, Ct);
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$-1\r\n"u8.ToArray()).ToArray();

        await redis.ExecuteAsync(new RedisCommand("SET", "bin", value), Ct).WaitAsync(Timeout, Ct);
        var read = await redis.ExecuteAsync(new RedisCommand("GET", "bin"), Ct).WaitAsync(Timeout, Ct);
        var missing = await redis.ExecuteAsync(new RedisCommand("GET", "nope"), Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(value, read.AsBytes());
        Assert.True(missing.IsNull);
        Assert.Equal(3, redis.Protocol);
    }

    [Fact]
    public async Task Pipelines_concurrent_commands_over_one_connection()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);

        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => redis.ExecuteAsync("INCR", "counter"))))
            .WaitAsync(Timeout, Ct);
        var final = await redis.ExecuteAsync("GET", "counter").WaitAsync(Timeout, Ct);
        var clients = await redis.ExecuteAsync("CLIENT", "LIST").WaitAsync(Timeout, Ct);

        Assert.Equal(1000, final.AsInt64());
        Assert.Equal(Enumerable.Range(1, 1000), replies.Select(r => (int)r.AsInt64()).Order());
        Assert.Single(clients.AsString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Runs_a_multi_exec_batch_and_returns_every_reply()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);

        var replies = await redis.ExecuteBatchAsync(
            [new("MULTI"), new("SET", "a", "1"), new("INCR", "a"), new("NOSUCHCOMMAND"), new("EXEC")], Ct).WaitAsync(Timeout, Ct);
        var inTransaction = await redis.ExecuteBatchAsync(
            [new("MULTI"), new("SET", "b", "x"), new("INCR", "b"), new("EXEC")], Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(["OK", "QUEUED", "QUEUED"], replies.Take(3).Select(r => r.AsString()));
        Assert.True(replies[3].IsError);
        Assert.StartsWith("EXECABORT", replies[4].ErrorMessage);
        var results = inTransaction[3].AsArray();
        Assert.Equal("OK", results[0].AsString());
        Assert.True(results[1].IsError);
    }

    [Fact]
    public async Task Blocks_on_a_dedicated_connection_while_the_shared_one_stays_responsive()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM").WaitAsync(Timeout, Ct);

        var read = redis.ExecuteBlockingAsync(Ct, "XREADGROUP", "GROUP", "workers", "w1", "COUNT", 1, "BLOCK", 5000, "STREAMS", "jobs", ">");
        var pong = await redis.ExecuteAsync("PING").WaitAsync(TimeSpan.FromSeconds(1), Ct);
        await redis.ExecuteAsync("XADD", "jobs", "*", "id", "job-1").WaitAsync(Timeout, Ct);
        var reply = await read.WaitAsync(Timeout, Ct);

        Assert.Equal("PONG", pong.AsString());
        var (stream, entries) = reply.Type == RespType.Map
            ? (reply.AsArray()[0], reply.AsArray()[1])
            : (reply.AsArray()[0].AsArray()[0], reply.AsArray()[0].AsArray()[1]);
        Assert.Equal("jobs", stream.AsString());
        Assert.Equal("job-1", entries.AsArray()[0].AsArray()[1].AsArray()[1].AsString());
    }

    [Fact]
    public async Task Cancels_a_blocking_call_and_discards_its_connection()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var blocked = redis.ExecuteBlockingAsync(new RedisCommand("BLPOP", "empty", 0), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Timeout, Ct));
        await WaitUntilAsync(async () => (await redis.ExecuteAsync("CLIENT", "LIST")).AsString()!.Contains("cmd=blpop") is false);
        var next = await redis.ExecuteBlockingAsync(new RedisCommand("BLPOP", "empty", "0.1"), Ct).WaitAsync(Timeout, Ct);
        Assert.True(next.IsNull);
    }

    [Theory]
    [InlineData(3, RespType.Map)]
    [InlineData(2, RespType.Array)]
    public async Task Reads_hgetall_as_a_map_under_either_protocol(int protocol, RespType type)
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient($"{server.ConnectionString},protocol={protocol}");
        await redis.ExecuteAsync("HSET", "h", "lang", "python", "cpu", 2).WaitAsync(Timeout, Ct);

        var reply = await redis.ExecuteAsync("HGETALL", "h").WaitAsync(Timeout, Ct);

        Assert.Equal(protocol, redis.Protocol);
        Assert.Equal(type, reply.Type);
        Assert.Equal("python", reply.AsMap()["lang"].AsString());
        Assert.Equal(2, reply.AsMap()["cpu"].AsInt64());
    }

    [Fact]
    public async Task Evaluates_a_script_by_sha_falling_back_to_eval()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        var script = new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");

        var first = await script.EvaluateAsync(redis, ["n"], [5], Ct).WaitAsync(Timeout, Ct);
        var cached = await redis.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1).WaitAsync(Timeout, Ct);
        var second = await script.EvaluateAsync(redis, ["n"], [2], Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(5, first.AsInt64());
        Assert.Equal(1, cached.AsArray()[0].AsInt64());
        Assert.Equal(7, second.AsInt64());
    }

    [Fact]
    public async Task Throws_server_errors_with_their_prefix_and_keeps_working()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM").WaitAsync(Timeout, Ct);

        var busy = await Assert.ThrowsAsync<RedisServerException>(() => redis.ExecuteAsync("XGROUP", "CREATE", "s", "g", "$").WaitAsync(Timeout, Ct));
        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => redis.ExecuteAsync("LPUSH", "s", "x").WaitAsync(Timeout, Ct));

        Assert.Equal("BUSYGROUP", busy.Prefix);
        Assert.Equal("WRONGTYPE", wrongType.Prefix);
        Assert.Equal("PONG", (await redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct)).AsString());
    }

    [Fact]
    public async Task Recovers_by_itself_after_the_server_crashes_and_restarts()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true, ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("SET", "survives", "yes").WaitAsync(Timeout, Ct);

        await server.StopAsync().WaitAsync(Timeout, Ct);
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct));
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct));
        await server.RestartAsync().WaitAsync(Timeout, Ct);

        var value = await RetryAsync(() => redis.ExecuteAsync("GET", "survives"), TimeSpan.FromSeconds(5));
        Assert.Equal("yes", value.AsString());
    }

    [Fact]
    public async Task Authenticates_with_a_password()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct, password: "s3cret").WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await using var resp2 = new RedisClient($"{server.ConnectionString},protocol=2");
        await using var wrong = new RedisClient($"127.0.0.1:{server.Port},password=nope");

        Assert.Equal("PONG", (await redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct)).AsString());
        Assert.Equal("PONG", (await resp2.ExecuteAsync("PING").WaitAsync(Timeout, Ct)).AsString());
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => wrong.ExecuteAsync("PING").WaitAsync(Timeout, Ct));
        Assert.Contains("WRONGPASS", error.Message);
    }

    private static async Task<RespValue> RetryAsync(Func<Task<RespValue>> action, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await action().WaitAsync(Timeout, Ct);
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Ct);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition().WaitAsync(Timeout, Ct))
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50, Ct);
        }
    }
}
