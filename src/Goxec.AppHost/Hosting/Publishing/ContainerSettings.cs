namespace Goxec.Hosting;

/// <summary>
/// How a resource runs when the graph is published instead of run: its image, probes, limits,
/// volume and the environment it gets there. Local runs ignore all of it.
/// </summary>
public sealed class ContainerSettings
{
    /// <summary>Image repository without a tag (e.g. "goxec/api"); null means "not published" (a build step).</summary>
    public string? Image { get; internal set; }

    /// <summary>The port the process listens on inside its container, or null when nothing connects to it.</summary>
    public int? ContainerPort { get; internal set; }

    /// <summary>Restart the container when this stops answering 200 (<c>/alive</c>: the process works).</summary>
    public string? LivenessPath { get; internal set; }

    /// <summary>Send traffic only while this answers 200 (<c>/health</c>: every dependency answers).</summary>
    public string? ReadinessPath { get; internal set; }

    public ComputeResources? Compute { get; internal set; }

    /// <summary>A shell line that exits 0 when ready, for servers without HTTP (Redis).</summary>
    public string? ReadinessCommand { get; internal set; }

    /// <summary>Reachable from outside the deployment (a published port, a Service to put an Ingress on).</summary>
    public bool External { get; internal set; }

    /// <summary>The uid the image's process runs as (for the platform's checks and volume ownership); null for root.</summary>
    public int? User { get; internal set; }

    /// <summary>The container drives a Docker engine (the node's socket by default).</summary>
    public bool DockerEngineAccess { get; internal set; }

    public DataVolume? Volume { get; internal set; }

    /// <summary>The main process' arguments, computed at publish time so later verbs (a password) are included.</summary>
    public Func<IReadOnlyList<string>>? Command { get; internal set; }

    /// <summary>Between SIGTERM and SIGKILL: workers drain running jobs first.</summary>
    public TimeSpan StopGracePeriod { get; internal set; } = TimeSpan.FromSeconds(30);

    internal List<PublishedVariable> Variables { get; } = [];

    /// <summary>Parameters this container's values use; the publisher generates each once.</summary>
    internal HashSet<ParameterResource> Parameters { get; } = [];
}

/// <summary>Requests are what the scheduler reserves; limits are where the platform throttles or kills.</summary>
public sealed record ComputeResources(double CpuRequest, int MemoryRequestMb, double CpuLimit, int MemoryLimitMb);

public sealed record DataVolume(string Name, string MountPath, int SizeGb);

/// <summary>An environment variable of the published container; secret ones go to the platform's secret store.</summary>
public sealed record PublishedVariable(string Name, Func<PublishContext, string> Value, bool IsSecret);

/// <summary>
/// A value supplied at publish time. Secret parameters are generated once (random) and kept in the
/// output's git-ignored secrets folder, so publishing again does not change a password Redis already uses.
/// </summary>
public sealed class ParameterResource(string name, bool secret)
{
    public string Name { get; } = name;

    public bool Secret { get; } = secret;
}
