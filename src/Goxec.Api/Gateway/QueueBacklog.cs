using Goxec.Jobs;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// How many jobs wait in the work stream, read at most once per <see cref="GatewayOptions.BacklogCacheTime"/>
/// per replica: under load thousands of submissions share one read, so the check costs nothing per request.
/// </summary>
public sealed class QueueBacklog(JobQueue queue, IOptions<GatewayOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private Task<long>? _reading;
    private long _readAt = long.MinValue;

    public async Task<(bool Full, long Length)> CheckAsync(CancellationToken ct)
    {
        var length = await LengthAsync().WaitAsync(ct);
        return (length > options.Value.MaxQueueBacklog, length);
    }

    private Task<long> LengthAsync()
    {
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            // One reading in flight at a time; a failed one is not reused, so the next request retries.
            if (_reading is { IsFaulted: false, IsCanceled: false } && clock.GetElapsedTime(_readAt, now) < options.Value.BacklogCacheTime)
                return _reading;
            _readAt = now;
            return _reading = queue.LengthAsync(CancellationToken.None);
        }
    }
}
