namespace Goxec.Hosting;

public interface IResourceBuilder<out T> where T : Resource
{
    T Resource { get; }

    IDistributedApplicationBuilder ApplicationBuilder { get; }
}

internal sealed record ResourceBuilder<T>(T Resource, IDistributedApplicationBuilder ApplicationBuilder) : IResourceBuilder<T>
    where T : Resource;

/// <summary>The fluent verbs of the graph, named as in .NET Aspire so the AppHost reads the same.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Gives the process <c>ConnectionStrings__{name}</c>, as <c>GetConnectionString(name)</c> reads it.</summary>
    public static IResourceBuilder<T> WithReference<T, TSource>(this IResourceBuilder<T> builder, IResourceBuilder<TSource> source)
        where T : Resource
        where TSource : Resource, IResourceWithConnectionString
    {
        var name = $"ConnectionStrings__{source.Resource.Name}";
        builder.Resource.Container.Variables.Add(source.Resource.PublishedConnectionString(name));
        return builder.WithEnvironment(name, () => source.Resource.ConnectionString);
    }

    /// <summary>Start only after every instance of <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.Dependencies.Add(new Dependency(dependency.Resource, WaitKind.Healthy));
        return builder;
    }

    /// <summary>Start only after every instance of <paramref name="dependency"/> has exited with 0.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.Dependencies.Add(new Dependency(dependency.Resource, WaitKind.Completed));
        return builder;
    }

    /// <summary>An HTTP endpoint on 127.0.0.1; port 0 picks a free port per replica. Sets PORT and ASPNETCORE_URLS.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int port = 0) where T : Resource
    {
        builder.Resource.Port = port;
        return builder;
    }

    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health") where T : Resource
    {
        builder.Resource.HealthPath = path;
        return builder;
    }

    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : Resource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>A constant: local runs and published containers both get it.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : Resource =>
        builder.WithPublishedEnvironment(name, value).WithEnvironment(name, () => value);

    /// <summary>The value is computed at each launch, so it can name ports picked at build time.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string> value) where T : Resource
    {
        builder.Resource.EnvironmentCallbacks.Add(env => env[name] = value());
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, IReadOnlyDictionary<string, string> variables)
        where T : Resource
    {
        builder.Resource.EnvironmentCallbacks.Add(env =>
        {
            foreach (var (name, value) in variables) env[name] = value;
        });
        foreach (var (name, value) in variables) builder.WithPublishedEnvironment(name, value);
        return builder;
    }

    public static IResourceBuilder<T> WithStartupTimeout<T>(this IResourceBuilder<T> builder, TimeSpan timeout) where T : Resource
    {
        builder.Resource.StartupTimeout = timeout;
        return builder;
    }

    /// <summary>How quickly a crashed instance comes back: <paramref name="initial"/>, doubling up to <paramref name="max"/>.</summary>
    public static IResourceBuilder<T> WithRestartBackoff<T>(this IResourceBuilder<T> builder, TimeSpan initial, TimeSpan max) where T : Resource
    {
        if (initial <= TimeSpan.Zero || max < initial) throw new ArgumentOutOfRangeException(nameof(initial), "Backoff must be positive with max >= initial.");
        builder.Resource.RestartBackoff = (initial, max);
        return builder;
    }

    /// <summary>Runs to completion instead of being kept alive; dependents use <c>WaitForCompletion</c>.</summary>
    public static IResourceBuilder<T> AsOneShot<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        builder.Resource.IsOneShot = true;
        return builder;
    }

    public static IResourceBuilder<ExecutableResource> AddExecutable(
        this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] arguments) =>
        builder.AddResource(new ExecutableResource(name, command, arguments, Path.GetFullPath(workingDirectory)));

    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject());

    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, IProjectMetadata project) =>
        builder.AddResource(new ProjectResource(name, project))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.EnvironmentName);
}
