using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;
using Goxec.Worker.Queue;
using Goxec.Worker.Sandbox;
using Goxec.Worker.Sandbox.Cgroups;
using Goxec.Worker.Sandbox.Namespaces;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class WorkerServiceExtensions
{
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis", configureOptions: JobsRedis.Configure);
        builder.Services.AddJobsLayer();
        builder.Services.AddOptions<JobStoreOptions>().BindConfiguration(JobStoreOptions.Section);
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section)
            .Validate(o => o.Concurrency > 0 && o.MaxAttempts > 0 && o.MaxDeliveries >= o.MaxAttempts && o.ReclaimIdle > TimeSpan.Zero, "Worker settings must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section)
            .Validate(o => o.Pool.MaxTotal >= 0 && o.Pool.MaxPerLanguage >= 0 && o.Pool.PrewarmSize >= 0 && o.Pool.CheckInterval > TimeSpan.Zero
                && o.Pool.DemandWindow > TimeSpan.Zero && o.Pool.MaxIdle > TimeSpan.Zero && o.Pool.FailureBackoff >= TimeSpan.Zero, "Sandbox:Pool settings are out of range.")
            .Validate(o => SandboxDrivers.IsKnown(o.Driver), $"Sandbox:Driver must be {SandboxDrivers.Docker} or {SandboxDrivers.Namespaces}.")
            .Validate(o => o.RunCeiling.MemoryMb >= 16 && o.CompileCeiling.MemoryMb >= 16 && o.RunCeiling.MaxProcesses > 0 && o.Cpus > 0 && o.SampleInterval > TimeSpan.Zero, "Sandbox limits are out of range.")
            .ValidateOnStart();
        builder.Services.AddSingleton(LanguageCatalog.Load(builder.Configuration)); // eager: a bad descriptor stops the start
        builder.Services.AddSingleton<IDockerClient>(_ => new DockerClient(DockerClientOptions.FromEnvironment()));
        // Metering reads whichever cgroup hierarchy this host has (v1 or v2), decided once at start-up.
        builder.Services.AddSingleton(sp =>
        {
            var cgroups = CgroupHost.Detect(sp.GetRequiredService<IOptions<SandboxOptions>>().Value.CgroupRoot);
            sp.GetRequiredService<ILogger<CgroupHost>>().LogInformation("Metering jobs from {Cgroups}", cgroups.Describe());
            return cgroups;
        });
        builder.Services.AddSingleton<RuntimeImages>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RuntimeImages>());
        builder.Services.AddHealthChecks().AddCheck<SandboxHealthCheck>("sandbox");
        builder.Services.AddSingleton<JobProcessor>();
        builder.Services.AddSingleton<RunningJobs>();
        builder.Services.AddSingleton<JobCancellations>();
        builder.Services.AddSingleton<ClusterIdentity>();
        builder.Services.AddSingleton<SandboxActivity>();
        if (builder.Configuration[$"{SandboxOptions.Section}:{nameof(SandboxOptions.Driver)}"] != SandboxDrivers.Namespaces)
            builder.AddContainerSandbox();
        else if (OperatingSystem.IsLinux())
            builder.AddNamespaceSandbox();
        else
            throw new PlatformNotSupportedException("Sandbox:Driver=namespaces needs Linux.");
        builder.Services.AddHostedService<JobConsumer>();
        builder.Services.AddHostedService<WorkerRegistry>();
        builder.Services.AddHostedService<LanguageVersionPublisher>();
        // The consumer drains in-flight jobs on SIGTERM; give it the time it asks for.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(40));
        return builder;
    }

    /// <summary><c>Goxec.Worker janitor</c>: no jobs, only the deployment's teardown (see <see cref="TeardownJanitor"/>).</summary>
    public static IHostApplicationBuilder AddTeardownJanitor(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis", configureOptions: JobsRedis.Configure);
        builder.Services.AddJobsLayer();
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section);
        builder.Services.AddSingleton<IDockerClient>(_ => new DockerClient(DockerClientOptions.FromEnvironment()));
        builder.Services.AddSingleton<ClusterIdentity>();
        builder.Services.AddSingleton<TeardownJanitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TeardownJanitor>());
        builder.Services.AddHealthChecks().Add(new("janitor", sp => sp.GetRequiredService<TeardownJanitor>(), null, null));
        return builder;
    }

    /// <summary>
    /// A fresh container per job. Registered before the consumer so they stop after it: jobs draining at
    /// shutdown still hand their containers to the removal queue, and the pool removes its idle ones last.
    /// </summary>
    private static void AddContainerSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISandbox, ContainerSandbox>();
        builder.Services.AddSingleton<ContainerRemovals>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ContainerRemovals>());
        builder.Services.AddSingleton<WarmPool>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WarmPool>());
        builder.Services.AddHostedService<ContainerReaper>();
    }

    /// <summary>A fresh set of namespaces per stage (bubblewrap); the engine only supplies the images' root filesystems.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void AddNamespaceSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NamespaceHost>();
        builder.Services.AddSingleton<ISandbox, NamespaceSandbox>();
        builder.Services.AddHostedService<NamespaceJanitor>();
        builder.Services.AddHealthChecks().AddCheck<NamespaceHealthCheck>("namespaces");
    }
}
