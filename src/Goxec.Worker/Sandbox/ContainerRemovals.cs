using System.Threading.Channels;
using Goxec.Docker;
using Goxec.Worker.Queue;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Removes used containers off the job's critical path: the result is stored while the engine tears
/// the container down. Each stays tracked (so the reaper leaves it alone) until it is gone; what
/// cannot be removed is left to the reaper, and shutdown waits for the queue to drain.
/// The queue is bounded: under sustained load a job that would queue beyond <see cref="MaxPending"/>
/// removes its container itself, so used containers never pile up on the engine (measured: without
/// the bound, 2,000 back-to-back jobs left ~900 containers waiting and the engine slowed by half).
/// </summary>
public sealed class ContainerRemovals(IDockerClient docker, RunningJobs running, SandboxActivity activity, ILogger<ContainerRemovals> logger) : BackgroundService
{
    private const int Parallelism = 2;
    public const int MaxPending = 4 * Parallelism;
    private static readonly TimeSpan QuietWait = TimeSpan.FromSeconds(1);
    private readonly Channel<(string Id, string Name)> _queue = Channel.CreateUnbounded<(string, string)>();
    private int _pending;

    /// <summary>Containers queued and not yet removed.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Queues a container (still tracked under <paramref name="name"/>) for removal; untracked once gone.
    /// With the queue full, or closed late in shutdown, the caller waits for the removal instead.
    /// </summary>
    public Task EnqueueAsync(string id, string name)
    {
        if (Interlocked.Increment(ref _pending) <= MaxPending && _queue.Writer.TryWrite((id, name))) return Task.CompletedTask;
        Interlocked.Decrement(ref _pending);
        return RemoveNowAsync(id, name);
    }

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
            // The next job's engine calls go first while the queue is short; a used container waits a
            // moment longer (still tracked). A longer queue means the engine is falling behind: no waiting.
            if (!_queue.Reader.Completion.IsCompleted && Pending <= Parallelism) await activity.WaitQuietAsync(QuietWait, CancellationToken.None);
            await RemoveNowAsync(id, name);
            Interlocked.Decrement(ref _pending);
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
