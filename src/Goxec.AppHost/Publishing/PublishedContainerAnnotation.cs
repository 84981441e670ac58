using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Publishing;

/// <summary>
/// How a resource of the Aspire model runs when the graph is published as docker-compose or Kubernetes
/// files: what Aspire's annotations do not already say (its image, container port, limits, volume, the
/// engine it drives, its environment there). Probes (<see cref="EndpointProbeAnnotation"/>), replicas
/// (<see cref="ReplicaAnnotation"/>), external endpoints, references and waits are read from Aspire's own
/// annotations. Local runs ignore all of it.
/// </summary>
public sealed class PublishedContainerAnnotation : IResourceAnnotation
{
    /// <summary>Image repository without a tag (e.g. "goxec/api").</summary>
    public required string Image { get; init; }

    /// <summary>The port the process listens on inside its container, or null when nothing connects to it.</summary>
    public int? ContainerPort { get; init; }

    public ComputeResources? Compute { get; internal set; }

    /// <summary>A shell line that exits 0 when ready, for servers without HTTP (Redis).</summary>
    public string? ReadinessCommand { get; internal set; }

    /// <summary>The uid the image's process runs as (for the platform's checks and volume ownership); null for root.</summary>
    public int? User { get; internal set; }

    /// <summary>The container drives a Docker engine (the node's socket by default).</summary>
    public bool DockerEngineAccess { get; internal set; }

    public DataVolume? Volume { get; internal set; }

    /// <summary>The main process' arguments, computed at publish time so later verbs (a password) are included.</summary>
    public Func<IReadOnlyList<string>>? Command { get; internal set; }

    /// <summary>The publish targets (compose, k8s) that include this container; null for all of them.</summary>
    public IReadOnlySet<string>? Targets { get; internal set; }

    /// <summary>Between SIGTERM and SIGKILL: workers drain running jobs first.</summary>
    public TimeSpan StopGracePeriod { get; internal set; } = TimeSpan.FromSeconds(30);

    internal List<PublishedVariable> Variables { get; } = [];

    /// <summary>Parameters this container's values use; the publisher generates each once.</summary>
    internal HashSet<ParameterResource> Parameters { get; } = [];

    /// <summary>What others put in <c>ConnectionStrings__{name}</c> when they reference this resource.</summary>
    internal PublishedVariableValue? ConnectionString { get; set; }
}

/// <summary>Requests are what the scheduler reserves; limits are where the platform throttles or kills.</summary>
public sealed record ComputeResources(double CpuRequest, int MemoryRequestMb, double CpuLimit, int MemoryLimitMb);

public sealed record DataVolume(string Name, string MountPath, int SizeGb);

/// <summary>A value of the published deployment, and whether it belongs in the platform's secret store.</summary>
public sealed record PublishedVariableValue(Func<PublishContext, string> Value, bool IsSecret);

/// <summary>An environment variable of the published container; secret ones go to the platform's secret store.</summary>
public sealed record PublishedVariable(string Name, Func<PublishContext, string> Value, bool IsSecret);
