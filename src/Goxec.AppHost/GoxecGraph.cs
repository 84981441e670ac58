using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost.Launch;
using Goxec.AppHost.Lifecycle;
using Goxec.AppHost.Publishing;
using Goxec.AppHost.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Goxec.AppHost;

/// <summary>The system's picture: Redis, the web build, the API and the worker pool.</summary>
public static class GoxecGraph
{
    /// <summary>What a local run (<c>./goxec up</c>) leaves open, said when it starts (see <see cref="WithLocalDefaults"/>).</summary>
    public const string LocalDefaults =
        "Local defaults: callers without a key may run jobs, and stats, dead letters and /metrics are open to every caller " +
        "(Gateway__AllowAnonymous, Gateway__OpenOperatorViews). Fine on this machine; never expose this port. " +
        "./goxec publish writes deployments with neither, and an admin key.";


    /// <summary>
    /// A replica's index, filled in by DCP per replica: each worker's Redis consumer name is worker-0,
    /// worker-1, …, stable across restarts, so a restarted worker first takes up its own pending entries.
    /// </summary>
    public const string ReplicaIndex = "{{- index .Annotations \"resource-replica-index\" -}}";

    public static GoxecResources Build(IDistributedApplicationBuilder builder, GoxecGraphOptions? options = null)
    {
        options ??= GoxecGraphOptions.From(builder.Configuration);
        var publishing = builder.ExecutionContext.IsPublishMode;

        if (!publishing)
        {
            // Wait for DCP to end every process before the host's stop returns, then remove what the run left on the engine.
            builder.Configuration["DcpPublisher:WaitForResourceCleanup"] = "true";
            builder.Services.AddHostedService(sp => new ClusterTeardown(options.Cluster, sp.GetRequiredService<ILogger<ClusterTeardown>>()));
        }

        var redis = builder.AddGoxecRedis("redis", options).WithRestartOnCrash(options.RestartDelay, options.RestartMaxDelay);

        var api = builder.AddProject<Projects.Goxec_Api>("api", launchProfileName: null)
            .WithBuiltProgram()
            .WithReference(redis).WaitFor(redis)
            .WithReplicas(options.ApiReplicas)
            .WithEnvironment("GOXEC_REPLICA", ReplicaIndex)
            // One replica listens on the API port itself; several share it through the orchestrator's proxy.
            .WithHttpEndpoint(port: ApiPort(options), name: "http", isProxied: options.ApiReplicas > 1)
            .WithExternalHttpEndpoints()
            // The readiness probe is also the local run's health check (what WaitFor and the dashboard go by).
            .WithHttpProbe(ProbeType.Liveness, "/alive").WithHttpProbe(ProbeType.Readiness, "/health")
            .WithEnvironment(options.Environment)
            .WithRestartOnCrash(options.RestartDelay, options.RestartMaxDelay)
            .PublishAsGoxecContainer("goxec/api", containerPort: 8080)
            .WithContainerUser(AppImages.AppUid)
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 256, CpuLimit: 1, MemoryLimitMb: 512));
        if (options.BuildWeb && !publishing)
            api.WaitForCompletion(builder.AddWebBuild("web", Path.Combine(Repository.Root, "src", "Goxec.Web")));

        var worker = AddWorkers(builder, "worker", redis, options, options.Workers);
        if (options.Isolation == "gvisor")
        {
            worker.WithEnvironment("Sandbox__Runtime", "runsc");
            if (publishing) worker.WithPublishedEnvironment("Sandbox__Runtime", "runsc");
        }
        else if (options.Isolation != "runc") throw new ArgumentException($"Goxec:Isolation is runc or gvisor, not '{options.Isolation}'.");

        if (publishing)
        {
            worker.WaitFor(AddJanitor(builder, redis));
            // A published deployment has an operator; a local run has none (and no admin key).
            var adminKey = builder.AddParameter("admin-key", secret: true);
            api.WithPublishedSecret("Gateway__AdminKey", adminKey)
                .WithPublishedEnvironment("Gateway__AllowAnonymous", "false")
                .WithPublishedEnvironment("Gateway__OpenOperatorViews", "false");
            foreach (var (name, value) in options.Environment)
            {
                api.WithPublishedEnvironment(name, value);
                worker.WithPublishedEnvironment(name, value);
            }
        }
        return new GoxecResources(redis, api, worker);
    }

    /// <summary>
    /// A developer's run of the AppHost: stats, dead letters and /metrics open to every caller (the Api's
    /// Gateway__OpenOperatorViews) unless the configuration says otherwise. Published deployments never get this:
    /// they let no one in without a key and keep the operator views for the admin key.
    /// </summary>
    public static GoxecGraphOptions WithLocalDefaults(GoxecGraphOptions options)
    {
        options.Environment.TryAdd("Gateway__OpenOperatorViews", "true");
        return options;
    }

    /// <summary>
    /// A pool of workers: <c>worker</c> in the graph; the multi-host proof adds one per simulated host. Each
    /// replica's Redis consumer name is the pool's name and its index (worker-0, worker-1, …).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddWorkers(IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> redis, GoxecGraphOptions options, int replicas) =>
        builder.AddProject<Projects.Goxec_Worker>(name, launchProfileName: null)
            .WithBuiltProgram()
            .WithReference(redis).WaitFor(redis)
            .WithReplicas(replicas)
            .WithHttpEndpoint(name: "http")
            .WithHttpProbe(ProbeType.Liveness, "/alive").WithHttpProbe(ProbeType.Readiness, "/health")
            .WithEnvironment("GOXEC_REPLICA", ReplicaIndex)
            // Concatenated, not interpolated: an interpolated string would become a ReferenceExpression and lose the braces.
            .WithEnvironment("Worker__ConsumerName", name + "-" + ReplicaIndex)
            .WithEnvironment("Worker__Cluster", options.Cluster)
            .WithEnvironment(options.Environment)
            .WithRestartOnCrash(options.RestartDelay, options.RestartMaxDelay)
            .PublishAsGoxecContainer("goxec/worker", containerPort: 8080)
            .WithDockerEngineAccess()
            // The worker's own process; the jobs' containers have their own limits on the engine.
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 192, CpuLimit: 1, MemoryLimitMb: 512))
            .WithStopGracePeriod(TimeSpan.FromSeconds(45)); // it drains running jobs for up to 40 s

    /// <summary>
    /// A published deployment's teardown (<c>Goxec.Worker janitor</c>): every worker waits for it, so compose stops it after
    /// the last worker, and it then removes the job and warm containers that workers killed earlier left on the engine.
    /// Compose only: a Kubernetes cluster has an engine per node, and a local run's AppHost does this itself.
    /// </summary>
    private static IResourceBuilder<ProjectResource> AddJanitor(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> redis) =>
        builder.AddProject<Projects.Goxec_Worker>("janitor", launchProfileName: null)
            .WithReference(redis).WaitFor(redis)
            .WithHttpEndpoint(name: "http")
            .WithHttpProbe(ProbeType.Liveness, "/alive").WithHttpProbe(ProbeType.Readiness, "/health")
            .PublishAsGoxecContainer("goxec/worker", containerPort: 8080)
            .WithPublishedCommand(() => ["janitor"]) // the Worker's TeardownJanitor.Command
            .WithPublishedTargets("compose")
            .WithDockerEngineAccess()
            .WithComputeResources(new(CpuRequest: 0.05, MemoryRequestMb: 64, CpuLimit: 0.5, MemoryLimitMb: 256));

    private static int? ApiPort(GoxecGraphOptions options) => options.ApiPort switch
    {
        0 when options.ApiReplicas == 1 => Ports.Free(),
        0 => null,
        var port => port,
    };

    /// <summary>
    /// Sets each variable in place of any spelled with other capitals. .NET's configuration ignores case, but the environment
    /// keeps both spellings, and which one wins is the order the process happens to list them in: Aspire gives every project
    /// LOGGING__CONSOLE__FORMATTERNAME=simple, and a Logging__Console__FormatterName=json beside it held in some replicas only.
    /// </summary>
    private static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, IReadOnlyDictionary<string, string> variables)
        where T : IResourceWithEnvironment =>
        builder.WithEnvironment(context =>
        {
            foreach (var (name, value) in variables)
            {
                foreach (var other in context.EnvironmentVariables.Keys.Where(k => k != name && string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList())
                    context.EnvironmentVariables.Remove(other);
                context.EnvironmentVariables[name] = value;
            }
        });
}

/// <summary>The graph's resources, for whoever adds to them (tests, the multi-host proof).</summary>
public sealed record GoxecResources(
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<ProjectResource> Api,
    IResourceBuilder<ProjectResource> Worker);
