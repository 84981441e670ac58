using System.Collections.Concurrent;
using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Webhooks;

/// <summary>
/// Follows the finish announcements with its own consumer group (<see cref="JobKeys.WebhookGroup"/>), so each finish
/// is delivered by exactly one Api replica and workers know nothing of webhooks. It reads when the finish script's
/// nudge says there is something new, or every <see cref="Poll"/>. An entry is acknowledged after its delivery
/// succeeded or finally failed; entries a vanished replica held are claimed after <see cref="ClaimIdle"/>.
/// </summary>
internal sealed class WebhookDispatcher(JobQueue queue, Nudges nudges, JobStore store, WebhookSender sender, IEnumerable<ICallbackFormat> formats,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private const int Batch = 100;
    /// <summary>Longer than a whole delivery with every retry, so a live replica's entry is never taken.</summary>
    private static readonly TimeSpan ClaimIdle = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, ICallbackFormat> _formats = formats.ToDictionary(f => f.Name, StringComparer.Ordinal);
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    // Never disposed: deliveries still finishing at shutdown release their slot after the host is gone.
    private SemaphoreSlim _slots = null!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _slots = new SemaphoreSlim(options.Value.WebhookConcurrency);
        var backoff = TimeSpan.FromMilliseconds(200);
        var nextClaim = DateTime.MinValue;
        var grouped = false;
        await using var nudge = await nudges.ListenAsync(JobKeys.Nudge.Finished);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!grouped) await queue.EnsureWebhookGroupAsync(stoppingToken);
                grouped = true;
                if (DateTime.UtcNow >= nextClaim)
                {
                    await StartAllAsync(await queue.ReadWebhooksAsync(_consumer, Batch, ClaimIdle, stoppingToken), stoppingToken);
                    nextClaim = DateTime.UtcNow.AddSeconds(30);
                }
                var entries = await queue.ReadWebhooksAsync(_consumer, Batch, idle: null, stoppingToken);
                await StartAllAsync(entries, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(200);
                if (entries.Count < Batch) await nudge.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Following {Stream} for webhooks failed; retrying in {Delay}", JobKeys.Finished, backoff);
                grouped = false; // a Redis that lost its data lost the group too
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task StartAllAsync(IReadOnlyList<QueueEntry> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            if (entry.Fields is null) continue;
            var entryId = entry.EntryId;
            var jobId = entry.Field("id");
            if (!_inFlight.TryAdd(entryId, 0)) continue;
            // Waiting for a slot here is the backpressure: the loop reads no more than it can deliver.
            await _slots.WaitAsync(ct);
            _ = Task.Run(() => HandleAsync(entryId, jobId, ct), CancellationToken.None);
        }
    }

    private async Task HandleAsync(string entryId, string? jobId, CancellationToken ct)
    {
        try
        {
            var spec = jobId is null ? null : await store.GetSpecAsync(jobId, ct);
            if (spec?.CallbackUrl is { } url && await store.GetAsync(spec.Id, ct) is { } job)
            {
                // A format this replica does not know (a newer one, mid-deploy) falls back to Goxec's own shape.
                var format = _formats.GetValueOrDefault(spec.CallbackFormat ?? GoxecCallbackFormat.FormatName) ?? _formats[GoxecCallbackFormat.FormatName];
                await sender.DeliverAsync(url, entryId, format.Render(job, spec), ct, format.Method);
            }
            await queue.AcknowledgeWebhookAsync(entryId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Not acknowledged: after ClaimIdle some replica (maybe this one) tries the entry again.
            logger.LogWarning(e, "Webhook for job {Job} (entry {Entry}) not handled; it will be claimed again", jobId, entryId);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _inFlight.TryRemove(entryId, out _);
            _slots.Release();
        }
    }
}
