using Goxec.Docker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// The worker is ready when the engine answers and at least one runtime image is built. Missing images are
/// optional (those languages fail, the others run): they are named in the report, not made a Degraded status —
/// the health check service would log a warning at every probe.
/// </summary>
internal sealed class SandboxHealthCheck(IDockerClient docker, RuntimeImages images) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await docker.GetVersionAsync(cancellationToken);
            var built = images.Current ?? await images.RefreshAsync(cancellationToken);
            var data = new Dictionary<string, object> { ["engine"] = version.Version, ["api"] = version.ApiVersion, ["missingImages"] = built.Missing };
            if (built.NoneBuilt) return HealthCheckResult.Unhealthy("No runtime image is built (run ./goxec images).", data: data);
            return HealthCheckResult.Healthy(built.Missing.Count == 0
                ? $"Docker {version.Version}; all {built.Languages} runtime images built"
                : $"Docker {version.Version}; {built.Languages - built.Missing.Count} of {built.Languages} runtime images built, missing: {string.Join(", ", built.Missing)}", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Docker engine does not answer.", e);
        }
    }
}
