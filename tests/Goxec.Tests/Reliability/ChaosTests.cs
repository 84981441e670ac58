using Goxec.Chaos;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Reliability;

/// <summary>
/// A small version of <c>./goxec chaos</c> in every test run: workers SIGKILLed every 2 s and Redis
/// restarted once (AOF always), and still every accepted job has exactly one outcome.
/// </summary>
public class ChaosTests
{
    [Fact]
    public async Task Jobs_survive_killed_workers_and_a_redis_restart()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        TestDriver.RequirePrerequisites();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(8));
        var log = new StringWriter();

        var report = await new ChaosRun(new ChaosOptions { Jobs = 60, Workers = 3, KillEvery = TimeSpan.FromSeconds(2), DrainTimeout = TimeSpan.FromMinutes(4), Driver = TestDriver.Current }, log)
            .RunAsync(timeout.Token);

        Assert.True(report.Clean, $"{report}\n{log}");
        Assert.Equal(60, report.Accepted);
        Assert.True(report.WorkerKills > 0, "no worker was killed; the run proved nothing");
        Assert.Equal(1, report.RedisRestarts);
    }
}
