using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Publishing;

/// <summary>Verbs that describe the published form of a resource, beside Aspire's own (probes, replicas, external endpoints).</summary>
public static class PublishingExtensions
{
    public static IResourceBuilder<T> PublishAsGoxecContainer<T>(this IResourceBuilder<T> builder, string image, int? containerPort = null) where T : IResource =>
        builder.WithAnnotation(new PublishedContainerAnnotation { Image = image, ContainerPort = containerPort }, ResourceAnnotationMutationBehavior.Replace);

    /// <summary>The resource's published form; <see cref="PublishAsGoxecContainer{T}"/> must come first.</summary>
    public static PublishedContainerAnnotation Published(this IResource resource) =>
        resource.Annotations.OfType<PublishedContainerAnnotation>().LastOrDefault()
        ?? throw new InvalidOperationException($"Resource '{resource.Name}' is not published as a container (PublishAsGoxecContainer).");

    public static IResourceBuilder<T> WithReadinessCommand<T>(this IResourceBuilder<T> builder, string shellLine) where T : IResource =>
        builder.Publishing(c => c.ReadinessCommand = shellLine);

    /// <summary>The image's non-root uid, so the platform can insist on it and give volumes to it.</summary>
    public static IResourceBuilder<T> WithContainerUser<T>(this IResourceBuilder<T> builder, int uid) where T : IResource =>
        builder.Publishing(c => c.User = uid);

    public static IResourceBuilder<T> WithComputeResources<T>(this IResourceBuilder<T> builder, ComputeResources compute) where T : IResource
    {
        if (compute.CpuRequest <= 0 || compute.CpuLimit < compute.CpuRequest || compute.MemoryRequestMb <= 0 || compute.MemoryLimitMb < compute.MemoryRequestMb)
            throw new ArgumentOutOfRangeException(nameof(compute), "Requests must be positive and limits at least the requests.");
        return builder.Publishing(c => c.Compute = compute);
    }

    /// <summary>The container gets a Docker engine: the node's socket (see README for the DinD and rootless options).</summary>
    public static IResourceBuilder<T> WithDockerEngineAccess<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.Publishing(c => c.DockerEngineAccess = true);

    public static IResourceBuilder<T> WithPublishedVolume<T>(this IResourceBuilder<T> builder, string name, string mountPath, int sizeGb = 1) where T : IResource =>
        builder.Publishing(c => c.Volume = new DataVolume(name, mountPath, sizeGb));

    public static IResourceBuilder<T> WithPublishedCommand<T>(this IResourceBuilder<T> builder, Func<IReadOnlyList<string>> command) where T : IResource =>
        builder.Publishing(c => c.Command = command);

    /// <summary>Published to these targets only (<see cref="Publisher.Targets"/>), not to every one.</summary>
    public static IResourceBuilder<T> WithPublishedTargets<T>(this IResourceBuilder<T> builder, params string[] targets) where T : IResource
    {
        if (targets.FirstOrDefault(t => !Publisher.Targets.Contains(t)) is { } unknown)
            throw new ArgumentException($"The target must be one of {string.Join(", ", Publisher.Targets)}, not '{unknown}'.", nameof(targets));
        return builder.Publishing(c => c.Targets = targets.ToHashSet(StringComparer.Ordinal));
    }

    public static IResourceBuilder<T> WithStopGracePeriod<T>(this IResourceBuilder<T> builder, TimeSpan grace) where T : IResource =>
        builder.Publishing(c => c.StopGracePeriod = grace);

    /// <summary>A secret environment variable of the published container, from the platform's secret store.</summary>
    public static IResourceBuilder<T> WithPublishedSecret<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter) where T : IResource
    {
        if (!parameter.Resource.Secret) throw new ArgumentException($"Parameter '{parameter.Resource.Name}' is not secret.", nameof(parameter));
        return builder.Publishing(c =>
        {
            c.Parameters.Add(parameter.Resource);
            c.Variables.Add(new PublishedVariable(name, context => context.Value(parameter.Resource), IsSecret: true));
        });
    }

    /// <summary>A plain setting of the published container (a local run's values, ports on 127.0.0.1, mean nothing there).</summary>
    public static IResourceBuilder<T> WithPublishedEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : IResource =>
        builder.Publishing(c => c.Variables.Add(new PublishedVariable(name, _ => value, IsSecret: false)));

    /// <summary>What a published resource that references this one gets as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithPublishedConnectionString<T>(this IResourceBuilder<T> builder, Func<PublishContext, string> value, bool isSecret) where T : IResourceWithConnectionString =>
        builder.Publishing(c => c.ConnectionString = new PublishedVariableValue(value, isSecret));

    private static IResourceBuilder<T> Publishing<T>(this IResourceBuilder<T> builder, Action<PublishedContainerAnnotation> change) where T : IResource
    {
        change(builder.Resource.Published());
        return builder;
    }
}
