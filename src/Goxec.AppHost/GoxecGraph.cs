using Goxec.Hosting;

namespace Goxec.AppHost;

/// <summary>The system's picture: Redis, the web build, the API and the worker pool.</summary>
public static class GoxecGraph
{
    public static void Build(IDistributedApplicationBuilder builder, GoxecGraphOptions? options = null)
    {
        options ??= new GoxecGraphOptions();

        var redis = builder.AddRedis("redis", options.RedisPort)
            .WithAppendFsync(options.AppendFsync)
            .WithDataDirectory(options.RedisDataDir);

        var web = builder.AddNpmBuild("web", "src/Goxec.Web")
            .SkipWhen(!options.BuildWeb, "BuildWeb is off");

        var api = builder.AddProject<Projects.Goxec_Api>("api")
            .WithReference(redis).WaitFor(redis).WaitForCompletion(web)
            .WithReplicas(options.ApiReplicas)
            .WithHttpEndpoint(port: options.ApiPort)
            .WithHttpHealthCheck("/health")
            .WithEnvironment(options.Environment);

        var worker = builder.AddProject<Projects.Goxec_Worker>("worker")
            .WithReference(redis).WaitFor(redis)
            .WithReplicas(options.Workers)
            .WithHttpEndpoint(port: 0).WithHttpHealthCheck("/health")
            .WithEnvironment(options.Environment);
        if (options.WorkerRestartBackoff is { } backoff) worker.WithRestartBackoff(backoff.Initial, backoff.Max);

        builder.OnStarted(app => app.Output.WriteLine($"Goxec API: {app.GetEndpoint(api.Resource.Name)}"));
    }
}
