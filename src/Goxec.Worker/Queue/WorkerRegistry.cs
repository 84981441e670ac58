using Goxec.Jobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Queue;

/// <summary>
/// Announces this worker in <c>goxec:workers</c> every few seconds (name, running jobs, health), so
/// operators see who is alive and reapers know whose containers are orphans. Leaves on shutdown.
/// </summary>
public sealed class WorkerRegistry(ClusterStore cluster, RunningJobs running, HealthCheckService health, TimeProvider clock,
    IOptions<WorkerOptions> options, ILogger<WorkerRegistry> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var report = await health.CheckHealthAsync(stoppingToken);
                var beat = new WorkerHeartbeat(options.Value.ConsumerName, clock.GetUtcNow(), _startedAt, options.Value.Concurrency,
                    [.. running.JobIds], report.Status != HealthStatus.Unhealthy);
                await cluster.BeatAsync(beat, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Heartbeat not written");
            }
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await cluster.LeaveAsync(options.Value.ConsumerName, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Could not leave the worker registry");
        }
    }
}
