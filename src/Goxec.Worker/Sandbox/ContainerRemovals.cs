using System.Threading.Channels;
using Goxec.Docker;
using Goxec.Worker.Queue;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Removes used containers off the job's critical path: the result is stored while the engine tears
/// the container down. Each stays tracked (so the reaper leaves it alone) until it is gone; what
/// cannot be removed is left to the reaper, and shutdown waits for the queue to drain.
/// </summary>
public sealed class ContainerRemovals(IDockerClient docker, RunningJobs running, SandboxActivity activity, ILogger<ContainerRemovals> logger) : BackgroundService
{
    private const int Parallelism = 2;
    private static readonly TimeSpan QuietWait = TimeSpan.FromSeconds(1);
    private readonly Channel<(string Id, string Name)> _queue = Channel.CreateUnbounded<(string, string)>();

    /// <summary>Queues a container (still tracked under <paramref name="name"/>) for removal; untracked once gone.</summary>
    public Task EnqueueAsync(string id, string name) =>
        // Once the queue has closed (late in shutdown) the caller waits for the removal instead.
        _queue.Writer.TryWrite((id, name)) ? Task.CompletedTask : RemoveNowAsync(id, name);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Not stoppingToken: containers queued at shutdown must still go; the host completes the writer in StopAsync.
        Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => DrainAsync()));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        await foreach (var (id, name) in _queue.Reader.ReadAllAsync())
        {
            // The next job's engine calls go first; a used container waits a moment longer (still tracked).
            if (!_queue.Reader.Completion.IsCompleted) await activity.WaitQuietAsync(QuietWait, CancellationToken.None);
            await RemoveNowAsync(id, name);
        }
    }

    public async Task RemoveNowAsync(string id, string name)
    {
        // Never with a job's token: a cancelled job must still leave nothing behind.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await docker.RemoveContainerAsync(id, timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove container {Container}; the reaper will", id);
        }
        finally
        {
            running.UntrackContainer(name);
        }
    }
}
