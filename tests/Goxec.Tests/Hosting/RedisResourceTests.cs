using Goxec.Hosting;
using Goxec.Tests.Infrastructure;
using static Goxec.Tests.Hosting.HostingTestSupport;

namespace Goxec.Tests.Hosting;

public sealed class RedisResourceTests
{
    [Fact]
    public async Task AddRedis_runs_a_durable_noeviction_server_that_keeps_its_data_across_a_SIGKILL()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        var ct = TimeoutToken();
        var builder = DistributedApplicationTestingBuilder.Create(new TestOutputWriter());
        builder.AddRedis("redis").WithAppendFsync("always");
        await using var app = builder.Build();
        await app.StartAsync(ct);
        var port = app.GetEndpoint("redis").Port;

        Assert.Equal($"127.0.0.1:{port}", app.ConnectionString("redis"));
        using (var redis = new RawRedis(port))
        {
            Assert.Equal("+PONG", await redis.CommandAsync(ct, "PING"));
            Assert.Equal("appendonly yes", await redis.CommandAsync(ct, "CONFIG", "GET", "appendonly"));
            Assert.Equal("appendfsync always", await redis.CommandAsync(ct, "CONFIG", "GET", "appendfsync"));
            Assert.Equal("maxmemory-policy noeviction", await redis.CommandAsync(ct, "CONFIG", "GET", "maxmemory-policy"));
            Assert.Equal("+OK", await redis.CommandAsync(ct, "SET", "goxec:hosting-test", "survives"));
        }

        var instance = app.GetResource("redis");
        var firstPid = instance.ProcessId;
        await instance.KillAsync(Signal.SIGKILL).WaitAsync(TestTimeout, ct);
        await instance.WaitUntilAsync(i => i.State == ResourceState.Healthy && i.ProcessId != firstPid, ct);

        using var restarted = new RawRedis(port);
        Assert.Equal("survives", await restarted.CommandAsync(ct, "GET", "goxec:hosting-test"));
        Assert.Contains("[goxec] redis exited with 137; restarting in 1s", instance.RecentLogs);
    }

    [Fact]
    public async Task A_temp_data_directory_is_deleted_on_dispose_but_a_given_one_is_kept()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        var given = Directory.CreateTempSubdirectory("goxec-redis-given-");
        try
        {
            var builder = DistributedApplicationTestingBuilder.Create();
            var temp = builder.AddRedis("temp");
            builder.AddRedis("kept").WithDataDirectory(given.FullName);
            var app = builder.Build();
            await app.StartAsync(TimeoutToken());
            var tempDir = temp.Resource.DataDirectory!;
            Assert.True(File.Exists(Path.Combine(tempDir, "appendonlydir", "appendonly.aof.manifest")));

            await app.DisposeAsync().AsTask().WaitAsync(TestTimeout, TestContext.Current.CancellationToken);

            Assert.False(Directory.Exists(tempDir));
            Assert.True(File.Exists(Path.Combine(given.FullName, "appendonlydir", "appendonly.aof.manifest")));
        }
        finally
        {
            given.Delete(recursive: true);
        }
    }
}
