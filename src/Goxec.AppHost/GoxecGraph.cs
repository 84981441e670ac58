using Goxec.Hosting;

namespace Goxec.AppHost;

/// <summary>The system's picture: Redis, the web build, the API and the worker pool.</summary>
public static class GoxecGraph
{
    /// <summary>What a local run leaves open, said when it starts.</summary>
    public const string LocalDefaults =
        "Local defaults: callers without a key may run jobs, and stats, dead letters and /metrics are open to every caller " +
        "(Gateway__AllowAnonymous, Gateway__OpenOperatorViews). Fine on this machine; never expose this port. " +
        "./goxec publish writes deployments with neither, and an admin key.";

    public static void Build(IDistributedApplicationBuilder builder, GoxecGraphOptions? options = null)
    {
        options ??= new GoxecGraphOptions();

        // Published deployments only (a local run keeps Redis on loopback and no admin key).
        var redisPassword = builder.AddParameter("redis-password", secret: true);
        var adminKey = builder.AddParameter("admin-key", secret: true);

        var redis = builder.AddRedis("redis", options.RedisPort)
            .WithAppendFsync(options.AppendFsync)
            .WithDataDirectory(options.RedisDataDir)
            .WithPassword(redisPassword)
            .PublishAsRedisContainer("goxec/redis", volumeSizeGb: 4)
            .WithContainerUser(AppImages.RedisUid)
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 256, CpuLimit: 1, MemoryLimitMb: 1024));

        var web = builder.AddNpmBuild("web", "src/Goxec.Web")
            .SkipWhen(!options.BuildWeb, "BuildWeb is off");

        var api = builder.AddProject<Projects.Goxec_Api>("api")
            .WithReference(redis).WaitFor(redis).WaitForCompletion(web)
            .WithReplicas(options.ApiReplicas)
            .WithHttpEndpoint(port: options.ApiPort)
            .WithHttpHealthCheck("/health")
            // A local run keeps the open defaults (said at start-up); a published deployment lets no one in without a
            // key and keeps stats, dead letters and /metrics for the admin key. Set before the options, which may change them.
            .WithEnvironment("Gateway__OpenOperatorViews", () => "true")
            .WithPublishedEnvironment("Gateway__AllowAnonymous", "false")
            .WithPublishedEnvironment("Gateway__OpenOperatorViews", "false")
            .WithEnvironment(options.Environment)
            .PublishAsContainer("goxec/api", containerPort: 8080)
            .WithExternalHttpEndpoints()
            .WithHttpLivenessCheck("/alive").WithHttpReadinessCheck("/health")
            .WithSecretEnvironment("Gateway__AdminKey", adminKey)
            .WithContainerUser(AppImages.AppUid)
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 256, CpuLimit: 1, MemoryLimitMb: 512));

        var worker = builder.AddProject<Projects.Goxec_Worker>("worker")
            .WithReference(redis).WaitFor(redis)
            .WithReplicas(options.Workers)
            .WithHttpEndpoint(port: 0).WithHttpHealthCheck("/health")
            .WithEnvironment(options.Environment)
            .PublishAsContainer("goxec/worker", containerPort: 8080)
            .WithHttpLivenessCheck("/alive").WithHttpReadinessCheck("/health")
            .WithDockerEngineAccess()
            // The worker's own process; the jobs' containers have their own limits on the engine.
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 192, CpuLimit: 1, MemoryLimitMb: 512))
            .WithStopGracePeriod(TimeSpan.FromSeconds(45)); // it drains running jobs for up to 40 s
        if (options.Isolation == "gvisor") worker.WithEnvironment("Sandbox__Runtime", "runsc");
        else if (options.Isolation != "runc") throw new ArgumentException($"Isolation is runc or gvisor, not '{options.Isolation}'.");
        if (options.WorkerRestartBackoff is { } backoff) worker.WithRestartBackoff(backoff.Initial, backoff.Max);

        builder.OnStarted(app =>
        {
            app.Output.WriteLine($"Goxec API: {app.GetEndpoint(api.Resource.Name)}");
            app.Output.WriteLine(LocalDefaults);
        });
    }
}
