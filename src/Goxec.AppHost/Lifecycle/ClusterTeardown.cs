using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Goxec.AppHost.Lifecycle;

/// <summary>
/// A local run leaves nothing on the engine: once the AppHost has stopped every process of its graph (Ctrl+C on
/// <c>./goxec up</c>, the end of a test's graph), it removes every container its workers labelled with the run's
/// cluster id (<see cref="GoxecGraphOptions.Cluster"/>), those of workers killed earlier included, whose removal
/// nobody else would make. A published deployment has its janitor instead (<c>Goxec.Worker janitor</c>).
/// </summary>
internal sealed class ClusterTeardown(string cluster, ILogger<ClusterTeardown> logger) : IHostedLifecycleService
{
    /// <summary>The label the workers put on their job and warm containers (the Worker's ContainerSpecFactory.ClusterLabel).</summary>
    public const string ClusterLabel = "goxec.cluster";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>After the orchestrator's own stop, which waits until DCP has ended every process (DcpPublisher:WaitForResourceCleanup).</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(endpoint["unix://".Length..]))
            return; // no engine here (the namespace driver on a machine without Docker): nothing was made on one
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var docker = new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();
            var left = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ClusterLabel}={cluster}"] = true } },
            }, timeout.Token);
            await Task.WhenAll(left.Select(c => RemoveAsync(docker, c.ID, timeout.Token)));
            if (left.Count > 0) logger.LogInformation("Removed {Count} job or warm container(s) of this run ({Cluster})", left.Count, cluster);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning(e, "Could not remove this run's containers (label {Label}={Cluster}); docker rm them by that label", ClusterLabel, cluster);
        }
    }

    private static async Task RemoveAsync(DockerClient docker, string id, CancellationToken ct)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
            // Gone already (its worker's removal was still under way).
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
