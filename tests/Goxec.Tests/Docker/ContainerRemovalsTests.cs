using Goxec.Worker.Queue;
using Goxec.Worker.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Goxec.Tests.Docker;

/// <summary>Removal off the job's path against a real daemon: bounded while jobs keep the sandbox busy, and complete.</summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerRemovalsTests(BusyboxImage image) : DockerTestBase(image)
{
    [Fact]
    public async Task Used_containers_do_not_pile_up_while_the_sandbox_stays_busy_and_all_go()
    {
        await Image.EnsureAsync(Client, Ct);
        var running = new RunningJobs();
        var activity = new SandboxActivity();
        var removals = new ContainerRemovals(Client, running, activity, NullLogger<ContainerRemovals>.Instance);
        await removals.StartAsync(Ct);
        using var busy = activity.Enter(); // a job is always in the sandbox, as under sustained load
        var names = new List<string>();

        for (var i = 0; i < 3 * ContainerRemovals.MaxPending; i++)
        {
            var name = $"goxec-removal-{RunId}-{i}";
            running.TrackContainer(name);
            var id = await Client.CreateContainerAsync(Hardened(BusyboxImage.Reference), name, Ct);
            names.Add(name);
            await removals.EnqueueAsync(id, name);
            Assert.InRange(removals.Pending, 0, ContainerRemovals.MaxPending);
        }

        await removals.StopAsync(Ct); // drains the queue
        Assert.Empty(await Client.ListContainersAsync([$"goxec.test.run={RunId}"], Ct));
        Assert.All(names, name => Assert.False(running.OwnsContainer(name), $"{name} is still tracked after its removal"));
    }
}
