using System.Collections.Concurrent;
using Goxec.Jobs;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace Goxec.Worker.Queue;

/// <summary>
/// Reads the work stream as one consumer of the group and runs up to <c>Concurrency</c> jobs.
/// Three loops: new entries (XREADGROUP), abandoned ones (XAUTOCLAIM), and a heartbeat that keeps
/// this worker's claims fresh so a short reclaim time never steals a long-running job. With free slots, the
/// reader waits in a blocking XREADGROUP (<see cref="JobQueue.WaitForNewAsync"/>, on the worker's one connection for
/// it), so a job queued meanwhile is delivered the moment Redis adds it.
/// </summary>
public sealed class JobConsumer(JobQueue queue, JobStore store, JobProcessor processor, RunningJobs running, JobCancellations cancellations,
    IOptions<WorkerOptions> options, ResiliencePipelineProvider<string> pipelines, ILogger<JobConsumer> logger)
    : BackgroundService
{
    /// <summary>How long one blocking read waits: also how long a stopping worker may still take new jobs in.</summary>
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();
    private readonly CancellationTokenSource _abort = new();
    private WorkerOptions Options => options.Value;
    private SemaphoreSlim? _slots;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _slots = new SemaphoreSlim(Options.Concurrency);
        await using var cancels = await cancellations.ListenAsync();
        await Retry(() => queue.EnsureGroupAsync(stoppingToken), stoppingToken);
        logger.LogInformation("Worker {Consumer} consuming {Stream} with {Concurrency} slots", Options.ConsumerName, JobKeys.Stream, Options.Concurrency);

        // What this consumer held before a restart is finished (or released) first.
        await Retry(() => ReadAsync(pendingOnly: true, stoppingToken), stoppingToken);
        var reclaim = LoopAsync(Options.ReclaimInterval, ReclaimAsync, stoppingToken);
        // The heartbeat outlives the read loops: while draining, the claims must stay fresh or
        // another worker would take (and run again) the jobs this one is finishing.
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = LoopAsync(Options.HeartbeatInterval, HeartbeatAsync, heartbeatStop.Token);
        await LoopAsync(TimeSpan.Zero, WaitForNewAsync, stoppingToken);
        await reclaim;
        await DrainAsync();
        await heartbeatStop.CancelAsync();
        await heartbeat;
    }

    /// <summary>Reads as many entries as there are free slots.</summary>
    private async Task ReadAsync(bool pendingOnly, CancellationToken ct)
    {
        var free = await WaitForSlotsAsync(ct);
        try
        {
            Dispatch(await queue.ReadAsync(Options.ConsumerName, free, pendingOnly, ct), free);
        }
        catch
        {
            _slots!.Release(free);
            throw;
        }
    }

    /// <summary>
    /// Waits for as many new entries as there are free slots. The read is not abandoned when the worker stops: what it
    /// delivers is this consumer's, so it is run (and drained) rather than left for another worker's reclaim.
    /// </summary>
    private async Task WaitForNewAsync(CancellationToken ct)
    {
        var free = await WaitForSlotsAsync(ct);
        try
        {
            Dispatch(await queue.WaitForNewAsync(Options.ConsumerName, free, Block), free);
        }
        catch
        {
            _slots!.Release(free);
            throw;
        }
    }

    private async Task ReclaimAsync(CancellationToken ct)
    {
        var free = await WaitForSlotsAsync(ct);
        try
        {
            var entries = await queue.ReclaimAsync(Options.ConsumerName, Options.ReclaimIdle, free, ct);
            if (entries.Count > 0)
            {
                logger.LogInformation("Reclaimed {Count} abandoned job(s)", entries.Count);
                GoxecMetrics.JobsReclaimed.Add(entries.Count);
            }
            Dispatch(entries, free);
        }
        catch
        {
            _slots!.Release(free);
            throw;
        }
    }

    /// <summary>
    /// Resets the idle time of every entry this worker is running, skipping jobs another worker has taken over; and
    /// stops those whose owners cancelled them, should the cancel message have been lost.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken ct)
    {
        await store.KeepClaimsAsync(Options.ConsumerName, running.Entries, ct);
        await cancellations.CheckAsync(ct);
    }

    /// <summary>Takes every free slot (at least one), waiting for the first.</summary>
    private async Task<int> WaitForSlotsAsync(CancellationToken ct)
    {
        await _slots!.WaitAsync(ct);
        var taken = 1;
        while (_slots.Wait(0)) taken++;
        return taken;
    }

    private void Dispatch(IReadOnlyList<QueueEntry> entries, int slotsTaken)
    {
        var unused = slotsTaken - Math.Min(entries.Count, slotsTaken);
        if (unused > 0) _slots!.Release(unused);
        foreach (var entry in entries)
        {
            if (!running.TryAdd(entry.EntryId, entry.Field("id") ?? ""))
            {
                _slots!.Release(); // already running here (the heartbeat keeps it); nothing to do
                continue;
            }
            _inFlight[entry.EntryId] = Task.Run(async () =>
            {
                try { await processor.ProcessAsync(entry, _abort.Token); }
                // Redis out of reach even for the failure record (a network cut): the entry stays pending and a
                // reclaim takes it up. Said out loud, where it used to vanish as an unobserved task exception.
                catch (Exception e) when (!_abort.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Job {JobId} (entry {Entry}) was left unfinished: {Error}", entry.Field("id"), entry.EntryId, e.Message);
                }
                finally
                {
                    running.Remove(entry.EntryId);
                    _inFlight.TryRemove(entry.EntryId, out _);
                    _slots!.Release();
                }
            });
        }
    }

    /// <summary>On shutdown: let running jobs finish within the grace period, then abandon them to other workers.</summary>
    private async Task DrainAsync()
    {
        var running = _inFlight.Values.ToArray();
        if (running.Length == 0) return;
        logger.LogInformation("Draining {Count} running job(s), up to {Grace}", running.Length, Options.ShutdownGrace);
        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(Options.ShutdownGrace)) != all)
        {
            logger.LogWarning("Grace period over; leaving unfinished jobs pending for other workers");
            await _abort.CancelAsync();
            await all.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Retry(() => step(ct), ct);
            if (interval > TimeSpan.Zero) await Task.Delay(interval, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Runs a step until it succeeds or the worker stops: Redis being away is waited out (the outage pipeline).</summary>
    private async Task Retry(Func<Task> step, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get("Queue step", ct);
        try
        {
            await pipelines.GetPipeline(Microsoft.Extensions.Hosting.ResiliencePipelines.Outage).ExecuteAsync(async _ => await step(), context);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _slots?.Dispose();
        base.Dispose();
    }
}
