namespace Goxec.Hosting;

/// <summary>Verbs that describe the published form of a resource, named after .NET Aspire's.</summary>
public static class PublishingExtensions
{
    public static ParameterResource AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new ParameterResource(name, secret);
    }

    public static IResourceBuilder<T> PublishAsContainer<T>(this IResourceBuilder<T> builder, string image, int? containerPort = null) where T : Resource
    {
        builder.Resource.Container.Image = image;
        builder.Resource.Container.ContainerPort = containerPort;
        return builder;
    }

    public static IResourceBuilder<T> WithHttpLivenessCheck<T>(this IResourceBuilder<T> builder, string path = "/alive") where T : Resource
    {
        builder.Resource.Container.LivenessPath = path;
        return builder;
    }

    public static IResourceBuilder<T> WithHttpReadinessCheck<T>(this IResourceBuilder<T> builder, string path = "/health") where T : Resource
    {
        builder.Resource.Container.ReadinessPath = path;
        return builder;
    }

    public static IResourceBuilder<T> WithReadinessCommand<T>(this IResourceBuilder<T> builder, string shellLine) where T : Resource
    {
        builder.Resource.Container.ReadinessCommand = shellLine;
        return builder;
    }

    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        builder.Resource.Container.External = true;
        return builder;
    }

    /// <summary>The image's non-root uid, so the platform can insist on it and give volumes to it.</summary>
    public static IResourceBuilder<T> WithContainerUser<T>(this IResourceBuilder<T> builder, int uid) where T : Resource
    {
        builder.Resource.Container.User = uid;
        return builder;
    }

    public static IResourceBuilder<T> WithComputeResources<T>(this IResourceBuilder<T> builder, ComputeResources compute) where T : Resource
    {
        if (compute.CpuRequest <= 0 || compute.CpuLimit < compute.CpuRequest || compute.MemoryRequestMb <= 0 || compute.MemoryLimitMb < compute.MemoryRequestMb)
            throw new ArgumentOutOfRangeException(nameof(compute), "Requests must be positive and limits at least the requests.");
        builder.Resource.Container.Compute = compute;
        return builder;
    }

    /// <summary>The container gets a Docker engine: the node's socket (see README for the DinD and rootless options).</summary>
    public static IResourceBuilder<T> WithDockerEngineAccess<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        builder.Resource.Container.DockerEngineAccess = true;
        return builder;
    }

    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder, string name, string mountPath, int sizeGb = 1) where T : Resource
    {
        builder.Resource.Container.Volume = new DataVolume(name, mountPath, sizeGb);
        return builder;
    }

    public static IResourceBuilder<T> WithContainerCommand<T>(this IResourceBuilder<T> builder, Func<IReadOnlyList<string>> command) where T : Resource
    {
        builder.Resource.Container.Command = command;
        return builder;
    }

    public static IResourceBuilder<T> WithStopGracePeriod<T>(this IResourceBuilder<T> builder, TimeSpan grace) where T : Resource
    {
        builder.Resource.Container.StopGracePeriod = grace;
        return builder;
    }

    /// <summary>
    /// A secret environment variable of the published container, from the platform's secret store.
    /// Local runs do not set it (they keep the AppHost's own environment).
    /// </summary>
    public static IResourceBuilder<T> WithSecretEnvironment<T>(this IResourceBuilder<T> builder, string name, ParameterResource parameter) where T : Resource
    {
        if (!parameter.Secret) throw new ArgumentException($"Parameter '{parameter.Name}' is not secret; use WithEnvironment.", nameof(parameter));
        builder.Resource.Container.Parameters.Add(parameter);
        builder.Resource.Container.Variables.Add(new PublishedVariable(name, context => context.Value(parameter), IsSecret: true));
        return builder;
    }

    /// <summary>Published containers only: a local run's value (ports on 127.0.0.1) means nothing there.</summary>
    public static IResourceBuilder<T> WithPublishedEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : Resource
    {
        builder.Resource.Container.Variables.Add(new PublishedVariable(name, _ => value, IsSecret: false));
        return builder;
    }
}
