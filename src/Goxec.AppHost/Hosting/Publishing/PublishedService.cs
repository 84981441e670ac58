namespace Goxec.Hosting;

/// <summary>One resource as a deployment sees it: every value resolved, secrets kept apart from plain settings.</summary>
internal sealed record PublishedService(
    Resource Resource,
    string Image,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Secrets,
    IReadOnlyList<string> DependsOn)
{
    public string Name => Resource.Name;

    public ContainerSettings Container => Resource.Container;

    public int Replicas => Resource.Replicas;

    /// <summary>Where a worker finds the node's cgroup hierarchy to meter its job containers.</summary>
    public const string HostCgroupMount = "/host/sys/fs/cgroup";

    public const string DockerSocket = "/var/run/docker.sock";

    public static PublishedService From(Resource resource, IReadOnlyList<Resource> published, PublishContext context)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (resource is ProjectResource && resource.Container.ContainerPort is { } port)
        {
            environment["ASPNETCORE_URLS"] = $"http://+:{port}";
            environment["OTEL_SERVICE_NAME"] = resource.Name;
        }
        if (resource.Container.DockerEngineAccess) environment["Sandbox__CgroupRoot"] = HostCgroupMount;
        foreach (var variable in resource.Container.Variables)
        {
            var target = variable.IsSecret ? secrets : environment;
            (variable.IsSecret ? environment : secrets).Remove(variable.Name);
            target[variable.Name] = variable.Value(context);
        }
        var dependsOn = resource.Dependencies
            .Where(d => d.Kind == WaitKind.Healthy && published.Contains(d.Resource))
            .Select(d => d.Resource.Name).ToList();
        return new PublishedService(resource, context.ImageReference(resource.Container.Image!), environment, secrets, dependsOn);
    }
}
