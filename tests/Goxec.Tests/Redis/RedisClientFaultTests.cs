using System.Diagnostics;
using Goxec.Redis;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Redis;

public sealed class RedisClientFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Falls_back_to_resp2_and_auth_when_the_server_has_no_hello()
    {
        List<string> seen = [];
        await using var fake = new FakeRedis(words =>
        {
            lock (seen) seen.Add(string.Join(' ', words));
            return words[0] switch
            {
                "HELLO" => "-ERR unknown command 'HELLO', with args beginning with: '3'\r\n",
                "AUTH" => "+OK\r\n",
                _ => "+PONG\r\n",
            };
        });
        await using var redis = await RedisClient.ConnectAsync(RedisOptions.Parse($"{fake.ConnectionString},password=pw"), Ct).WaitAsync(Timeout, Ct);

        var pong = await redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct);

        Assert.Equal("PONG", pong.AsString());
        Assert.Equal(2, redis.Protocol);
        Assert.Equal(["HELLO 3 AUTH default pw", "AUTH pw", "PING"], seen);
    }

    [Fact]
    public async Task Backs_off_between_failed_reconnects_instead_of_hammering()
    {
        await using var fake = new FakeRedis(_ => null);
        await using var redis = new RedisClient(RedisOptions.Parse(fake.ConnectionString) with { CommandTimeout = TimeSpan.FromMilliseconds(200) });
        var watch = Stopwatch.StartNew();

        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
            await Assert.ThrowsAsync<RedisConnectionException>(() => redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct));

        // Backoff 100, 200, 400, 800 ms with jitter: at most about five attempts in 1.5 s.
        Assert.InRange(fake.Connections, 2, 7);
    }

    [Fact]
    public async Task Times_out_a_slow_command_and_keeps_replies_in_order_afterwards()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(RedisOptions.Parse(server.ConnectionString) with { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        await using var admin = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("SET", "k", "v").WaitAsync(Timeout, Ct);
        await admin.ExecuteAsync("CLIENT", "PAUSE", 1000, "ALL").WaitAsync(Timeout, Ct);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => redis.ExecuteAsync("ECHO", "late").WaitAsync(Timeout, Ct));
        await Task.Delay(1000, Ct);
        var next = await redis.ExecuteAsync("GET", "k").WaitAsync(Timeout, Ct);

        Assert.Contains("ECHO", error.Message);
        Assert.Equal("v", next.AsString());
    }

    [Fact]
    public async Task Fails_commands_in_flight_when_the_connection_is_killed()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await using var admin = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("CLIENT", "SETNAME", "victim").WaitAsync(Timeout, Ct);
        await admin.ExecuteAsync("CLIENT", "PAUSE", 500, "WRITE").WaitAsync(Timeout, Ct);

        var inFlight = redis.ExecuteAsync("SET", "k", "v");
        await Task.Delay(100, Ct);
        var clients = (await admin.ExecuteAsync("CLIENT", "LIST").WaitAsync(Timeout, Ct)).AsString()!;
        var id = clients.Split('\n').Single(l => l.Contains("name=victim")).Split(' ')[0]["id=".Length..];
        await admin.ExecuteAsync("CLIENT", "KILL", "ID", id).WaitAsync(Timeout, Ct);

        await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight.WaitAsync(Timeout, Ct));
        Assert.Equal("PONG", (await redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct)).AsString());
    }

    [Fact]
    public async Task Honours_cancellation_of_a_waiting_command()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct).WaitAsync(Timeout, Ct);
        await using var redis = new RedisClient(server.ConnectionString);
        await using var admin = new RedisClient(server.ConnectionString);
        await redis.ExecuteAsync("PING").WaitAsync(Timeout, Ct);
        await admin.ExecuteAsync("CLIENT", "PAUSE", 500, "ALL").WaitAsync(Timeout, Ct);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => redis.ExecuteAsync(new RedisCommand("PING"), cancel.Token).WaitAsync(Timeout, Ct));
        Assert.Equal("after", (await redis.ExecuteAsync("ECHO", "after").WaitAsync(Timeout, Ct)).AsString());
    }
}
