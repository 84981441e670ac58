using Goxec.Docker;
using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Infrastructure;

/// <summary>
/// The containers a job ran in: a fresh one carries the job's label, a warm one taken from the pool
/// only its name (labels cannot change after creation), so both are looked up.
/// </summary>
public static class JobContainers
{
    public static async Task<IReadOnlyList<ContainerSummary>> ListAsync(IDockerClient docker, string jobId, CancellationToken ct)
    {
        var labelled = await docker.ListContainersAsync([$"{ContainerSpecFactory.JobLabel}={jobId}"], ct);
        var pooled = await docker.ListContainersAsync([ContainerSpecFactory.PoolLabel], ct);
        return [.. labelled.Concat(pooled.Where(c => c.Names.Any(n => n.StartsWith($"goxec-{jobId}-", StringComparison.Ordinal)))).DistinctBy(c => c.Id)];
    }
}
