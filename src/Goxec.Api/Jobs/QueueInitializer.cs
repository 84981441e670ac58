using Goxec.Jobs;
using Goxec.Redis;

namespace Goxec.Api.Jobs;

/// <summary>
/// Creates the consumer group from the start of the stream, so jobs accepted before any worker
/// ever ran are still delivered. Workers do the same; whoever is first wins (BUSYGROUP).
/// </summary>
internal sealed class QueueInitializer(IRedisClient redis, ILogger<QueueInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromMilliseconds(200); !stoppingToken.IsCancellationRequested; delay *= 2)
        {
            try
            {
                await JobQueue.EnsureGroupAsync(redis, stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not create the consumer group yet; retrying");
                await Task.Delay(delay < TimeSpan.FromSeconds(5) ? delay : TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }
}
