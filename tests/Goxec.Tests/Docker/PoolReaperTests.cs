using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;
using Goxec.Worker.Queue;
using Goxec.Worker.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Goxec.Tests.Docker;

/// <summary>The reaper against a real daemon and Redis: idle pool containers of a dead worker go, this worker's own stay.</summary>
[Collection(DockerCollection.Name)]
public sealed class PoolReaperTests(BusyboxImage image) : DockerTestBase(image)
{
    [Fact]
    public async Task Reaper_removes_a_dead_workers_idle_pool_containers_and_keeps_its_own()
    {
        await Image.EnsureAsync(Client, Ct);
        await using var server = await RedisServer.StartAsync(ct: Ct);
        await using var redis = await RedisConnections.ConnectAsync(server.ConnectionString);
        var cluster = new ClusterIdentity(new ClusterStore(redis), Options.Create(new WorkerOptions()));
        var running = new RunningJobs();
        var reaper = new ContainerReaper(Client, new ClusterStore(redis), running, cluster, TimeProvider.System,
            Options.Create(new WorkerOptions { ConsumerName = "me-" + RunId }), NullLogger<ContainerReaper>.Instance);
        var mine = await StartPoolContainerAsync("me-" + RunId, await cluster.GetAsync(Ct));
        running.TrackContainer(mine.Name);
        var dead = await StartPoolContainerAsync("gone-" + RunId, await cluster.GetAsync(Ct));

        await reaper.ReapAsync(Ct); // first sighting of the dead worker's container: a suspect only
        Assert.Equal(2, (await ListAsync()).Count);
        await reaper.ReapAsync(Ct);

        var left = await ListAsync();
        Assert.Equal([mine.Id], left.Select(c => c.Id));
    }

    private async Task<IReadOnlyList<ContainerSummary>> ListAsync() => await Client.ListContainersAsync([$"goxec.test.run={RunId}"], Ct);

    private async Task<(string Id, string Name)> StartPoolContainerAsync(string worker, string cluster)
    {
        var spec = Hardened(BusyboxImage.Reference);
        spec = spec with
        {
            Labels = new Dictionary<string, string>(spec.Labels!)
            {
                [ContainerSpecFactory.PoolLabel] = "python",
                [ContainerSpecFactory.WorkerLabel] = worker,
                [ContainerSpecFactory.ClusterLabel] = cluster,
            },
        };
        var name = ContainerSpecFactory.WarmName("python");
        var id = await Client.CreateContainerAsync(spec, name, Ct);
        await Client.StartContainerAsync(id, Ct);
        return (id, name);
    }
}
