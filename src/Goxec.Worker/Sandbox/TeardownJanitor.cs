using Goxec.Docker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// <c>Goxec.Worker janitor</c>: the deployment's last word on the engine. Job and warm containers belong to their worker,
/// which removes them as it stops; a worker that was killed never does, and the reaper that would (another worker's)
/// goes with the deployment. This process runs no jobs. It learns the deployment's id (<see cref="ClusterIdentity"/>) as
/// it starts, is ready once it knows it, and when it is stopped — a published deployment stops it after every worker,
/// which depends on it — removes every job and warm container of that deployment still on the engine.
/// </summary>
public sealed class TeardownJanitor(IDockerClient docker, ClusterIdentity identity, ILogger<TeardownJanitor> logger) : BackgroundService, IHealthCheck
{
    public const string Command = "janitor";
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private volatile string? _cluster;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (_cluster is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                _cluster = await identity.GetAsync(stoppingToken);
                logger.LogInformation("Deployment {Cluster}: its job and warm containers are removed when this janitor stops", _cluster);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Redis does not answer yet; asking again in {Retry}", Retry);
                await Task.Delay(Retry, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // No id: Redis never answered, so no worker learnt one either and none made a container.
        if (_cluster is not { } cluster) return;
        var left = await ContainerReaper.ListAsync(docker, cluster, cancellationToken);
        await Task.WhenAll(left.Select(c => docker.RemoveContainerAsync(c.Id, cancellationToken)));
        logger.LogInformation("Deployment {Cluster} torn down: removed {Count} job or warm container(s)", cluster, left.Count);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_cluster is { } cluster
            ? HealthCheckResult.Healthy($"Removes deployment {cluster}'s containers when it stops")
            : HealthCheckResult.Unhealthy("Waiting for Redis to learn the deployment's id"));
}
