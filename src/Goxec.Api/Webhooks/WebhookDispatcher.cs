using System.Collections.Concurrent;
using Goxec.Jobs;
using Goxec.Redis;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Webhooks;

/// <summary>
/// Follows <c>goxec:finished</c> with its own consumer group, so each finish is delivered by exactly one
/// Api replica and workers know nothing of webhooks. An entry is acknowledged after its delivery
/// succeeded or finally failed; entries a vanished replica held are claimed after <see cref="ClaimIdle"/>.
/// </summary>
internal sealed class WebhookDispatcher(IRedisClient redis, JobStore store, WebhookSender sender, IEnumerable<ICallbackFormat> formats,
    IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string Group = "webhooks";
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureGroupAsync(stoppingToken);
                if (DateTime.UtcNow >= nextClaim)
                {
                    var claimed = await redis.ExecuteAsync(new RedisCommand("XAUTOCLAIM", JobKeys.Finished, Group, _consumer,
                        (long)ClaimIdle.TotalMilliseconds, "0-0", "COUNT", 100), stoppingToken);
                    await StartAllAsync(claimed.AsArray()[1], stoppingToken);
                    nextClaim = DateTime.UtcNow.AddSeconds(30);
                }
                var reply = await redis.ExecuteBlockingAsync(new RedisCommand("XREADGROUP", "GROUP", Group, _consumer,
                    "COUNT", 100, "BLOCK", 5000, "STREAMS", JobKeys.Finished, ">"), stoppingToken);
                foreach (var (_, entries) in StreamReplies.PerStream(reply)) await StartAllAsync(entries, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Following {Stream} for webhooks failed; retrying in {Delay}", JobKeys.Finished, backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    // From "$": finishes from before the first Api ever started have no one waiting for them.
    private async Task EnsureGroupAsync(CancellationToken ct)
    {
        try { await redis.ExecuteAsync(new RedisCommand("XGROUP", "CREATE", JobKeys.Finished, Group, "$", "MKSTREAM"), ct); }
        catch (RedisServerException e) when (e.Prefix == "BUSYGROUP") { }
    }

    private async Task StartAllAsync(RespValue entries, CancellationToken ct)
    {
        foreach (var entry in entries.AsArray())
        {
            var parts = entry.AsArray();
            if (parts.Count < 2 || parts[1].IsNull) continue;
            var entryId = parts[0].AsString()!;
            var jobId = parts[1].AsMap().TryGetValue("id", out var id) ? id.AsString() : null;
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
            await redis.ExecuteAsync(new RedisCommand("XACK", JobKeys.Finished, Group, entryId), ct);
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
