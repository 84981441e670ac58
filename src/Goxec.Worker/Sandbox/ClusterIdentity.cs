using Goxec.Jobs;
using Goxec.Worker.Queue;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// The id of the Goxec deployment this worker belongs to: <see cref="WorkerOptions.Cluster"/> when whoever runs the
/// deployment gives one, else one per Redis, created by whoever asks first. Containers carry it, and the reaper looks
/// only at its own deployment's containers, so several deployments can share one Docker engine without reaping each
/// other's jobs.
/// </summary>
public sealed class ClusterIdentity(ClusterStore cluster, IOptions<WorkerOptions> options)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _id;

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_id is not null) return _id;
        await _lock.WaitAsync(ct);
        try
        {
            if (_id is not null) return _id;
            return _id = await cluster.IdentityAsync(options.Value.Cluster is { Length: > 0 } given ? given : null, ct);
        }
        finally
        {
            _lock.Release();
        }
    }
}
