using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Ready only when the host can run namespace sandboxes (tools, seccomp, cgroups) and the prewarmed languages'
/// root filesystems are exported; says what is missing or still being prepared otherwise.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class NamespaceHealthCheck(NamespaceHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Problem is { } problem
            ? HealthCheckResult.Unhealthy($"The namespace sandbox cannot run on this host: {problem}")
            : host.Prewarming is { } preparing
                ? HealthCheckResult.Unhealthy($"The namespace sandbox is {preparing}.")
                : HealthCheckResult.Healthy($"bubblewrap at {host.Tools.Bwrap}, cgroup {(host.Cgroups.Unified ? "v2" : "v1")}"));
}
