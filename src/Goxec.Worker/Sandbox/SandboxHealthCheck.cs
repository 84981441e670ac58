using Goxec.Docker;
using Goxec.Languages;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Worker.Sandbox;

/// <summary>The worker is ready only when the engine answers and at least one runtime image is there; missing ones are named.</summary>
internal sealed class SandboxHealthCheck(IDockerClient docker, LanguageCatalog languages) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await docker.GetVersionAsync(cancellationToken);
            var missing = new List<string>();
            foreach (var language in languages.All)
            {
                if (!await docker.ImageExistsAsync(language.Image, cancellationToken)) missing.Add(language.Id);
            }
            var data = new Dictionary<string, object> { ["engine"] = version.Version, ["api"] = version.ApiVersion, ["missingImages"] = missing };
            return missing.Count == languages.All.Count
                ? HealthCheckResult.Unhealthy("No runtime image is built (run ./goxec images).", data: data)
                : missing.Count > 0
                    ? HealthCheckResult.Degraded($"Missing runtime images: {string.Join(", ", missing)}.", data: data)
                    : HealthCheckResult.Healthy($"Docker {version.Version}", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Docker engine does not answer.", e);
        }
    }
}
