using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Publishing;

/// <summary>One resource as a deployment sees it: every value resolved, secrets kept apart from plain settings.</summary>
internal sealed record PublishedService(
    IResource Resource,
    string Image,
    int Replicas,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Secrets,
    IReadOnlyList<string> DependsOn)
{
    public string Name => Resource.Name;

    public PublishedContainerAnnotation Container => Resource.Published();

    /// <summary>Reachable from outside the deployment (a published port, a Service to put an Ingress on): Aspire's external endpoints.</summary>
    public bool External => Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal);

    public string? LivenessPath => Probe(ProbeType.Liveness);

    public string? ReadinessPath => Probe(ProbeType.Readiness);

    /// <summary>Where a worker finds the node's cgroup hierarchy to meter its job containers.</summary>
    public const string HostCgroupMount = "/host/sys/fs/cgroup";

    public const string DockerSocket = "/var/run/docker.sock";

    private string? Probe(ProbeType type) =>
        Resource.Annotations.OfType<EndpointProbeAnnotation>().LastOrDefault(p => p.Type == type)?.Path;

    public static PublishedService From(IResource resource, IReadOnlyList<IResource> published, PublishContext context)
    {
        var container = resource.Published();
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (resource is ProjectResource && container.ContainerPort is { } port)
        {
            environment["ASPNETCORE_URLS"] = $"http://+:{port}";
            environment["OTEL_SERVICE_NAME"] = resource.Name;
        }
        if (container.DockerEngineAccess) environment["Sandbox__CgroupRoot"] = HostCgroupMount;
        // Aspire's WithReference: the referenced resource says what its connection string is in a deployment.
        var references = resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference" && r.Resource is IResourceWithConnectionString)
            .Select(r => r.Resource).Distinct();
        var variables = references
            .Select(r => r.Published().ConnectionString is { } cs ? new PublishedVariable($"ConnectionStrings__{r.Name}", cs.Value, cs.IsSecret) : null)
            .OfType<PublishedVariable>()
            .Concat(container.Variables);
        foreach (var variable in variables)
        {
            var target = variable.IsSecret ? secrets : environment;
            (variable.IsSecret ? environment : secrets).Remove(variable.Name);
            target[variable.Name] = variable.Value(context);
        }
        var dependsOn = resource.Annotations.OfType<WaitAnnotation>()
            .Where(w => w.WaitType == WaitType.WaitUntilHealthy && published.Contains(w.Resource))
            .Select(w => w.Resource.Name).Distinct().ToList();
        var replicas = resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        return new PublishedService(resource, context.ImageReference(container.Image), replicas, environment, secrets, dependsOn);
    }
}
