using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Ready only when the host can run namespace sandboxes (tools, seccomp, cgroups); says what is missing
/// otherwise. The start-up export of the prewarmed languages is reported, not waited for: a job whose root
/// filesystem is still being exported waits for it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class NamespaceHealthCheck(NamespaceHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Problem is { } problem
            ? HealthCheckResult.Unhealthy($"The namespace sandbox cannot run on this host: {problem}")
            : HealthCheckResult.Healthy($"bubblewrap at {host.Tools.Bwrap}, cgroup {(host.Cgroups.Unified ? "v2" : "v1")}" +
                (host.Prewarming is { } preparing ? $"; {preparing}" : "")));
}
