using Goxec.Jobs;
using StackExchange.Redis;
using Microsoft.Extensions.Options;

namespace Goxec.Tests.Gateway;

/// <summary>Finishes a job the way a worker does (the same JobStore call), so gateway tests need no Docker.</summary>
internal static class GatewayWorker
{
    public static async Task FinishAsync(IConnectionMultiplexer redis, string id)
    {
        var store = Store(redis);
        await store.StartAsync(id, "gateway-test", TestContext.Current.CancellationToken);
        var stored = await store.CompleteAsync(id, new JobResult(Verdict.Accepted, null, new StageResult("1\n", "", 0, null, 5), null, "gateway-test", 1),
            entryId: null, TestContext.Current.CancellationToken);
        Assert.True(stored);
    }

    public static JobStore Store(IConnectionMultiplexer redis) => new(redis, Options.Create(new JobStoreOptions()), TimeProvider.System);
}
