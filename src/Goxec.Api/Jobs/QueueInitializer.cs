using Goxec.Jobs;

namespace Goxec.Api.Jobs;

/// <summary>
/// Creates the consumer group from the start of the stream, so jobs accepted before any worker
/// ever ran are still delivered. Workers do the same; whoever is first wins.
/// </summary>
internal sealed class QueueInitializer(JobQueue queue, ILogger<QueueInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromMilliseconds(200); !stoppingToken.IsCancellationRequested; delay *= 2)
        {
            try
            {
                await queue.EnsureGroupAsync(stoppingToken);
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
