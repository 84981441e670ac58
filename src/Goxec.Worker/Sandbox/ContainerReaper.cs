using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Removes job and warm-pool containers of this deployment (see <see cref="ClusterIdentity"/>) that nobody will finish: this worker's own that no running job owns (left by a
/// previous incarnation of this replica), and any whose worker has stopped sending heartbeats.
/// Another worker's container must look orphaned on two passes in a row: a heartbeat missed while
/// Redis restarted must not cost a live job its container.
/// </summary>
public sealed class ContainerReaper(IDockerClient docker, ClusterStore clusterStore, RunningJobs running, ClusterIdentity cluster, TimeProvider clock,
    IOptions<WorkerOptions> options, ILogger<ContainerReaper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private HashSet<string> _suspects = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await ReapAsync(stoppingToken);
                if (removed > 0) logger.LogInformation("Reaped {Count} orphaned container(s)", removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reaping failed; trying again in {Interval}", Interval);
            }
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<int> ReapAsync(CancellationToken ct)
    {
        // Job containers and idle warm ones alike: a dead worker's pool must not idle on forever.
        var containers = await ListAsync(docker, await cluster.GetAsync(ct), ct);
        if (containers.Count == 0) return 0;
        var alive = await AliveWorkersAsync(ct);
        var me = options.Value.ConsumerName;
        var removed = 0;
        var suspects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var worker = container.Labels.GetValueOrDefault(ContainerSpecFactory.WorkerLabel, "");
            if (worker == me)
            {
                if (container.Names.Any(running.OwnsContainer)) continue;
            }
            else
            {
                if (alive.Contains(worker)) continue;
                if (!_suspects.Contains(container.Id))
                {
                    suspects.Add(container.Id); // first sighting: give its worker one more pass to speak
                    continue;
                }
            }
            await docker.RemoveContainerAsync(container.Id, ct);
            removed++;
        }
        _suspects = suspects;
        return removed;
    }

    /// <summary>The deployment's job and warm containers, running or stopped.</summary>
    public static async Task<IReadOnlyList<ContainerSummary>> ListAsync(IDockerClient docker, string cluster, CancellationToken ct) =>
        [.. (await docker.ListContainersAsync([$"{ContainerSpecFactory.ClusterLabel}={cluster}"], ct))
            .Where(c => c.Labels.ContainsKey(ContainerSpecFactory.JobLabel) || c.Labels.ContainsKey(ContainerSpecFactory.PoolLabel))];

    private async Task<HashSet<string>> AliveWorkersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return (await clusterStore.WorkersAsync(ct))
            .Where(b => b.IsAlive(now))
            .Select(b => b.Name)
            .ToHashSet(StringComparer.Ordinal);
    }
}
