using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Goxec.AppHost.Redis;

/// <summary>
/// Redis configured the way Goxec relies on it: AOF on, <c>noeviction</c> (a full Redis refuses writes
/// instead of silently dropping jobs), no RDB snapshots (AOF is the durability story; RDB would only
/// add fork pauses). Run: the host's redis-server (<see cref="RedisServerResource"/>). Publish: Aspire's
/// <see cref="RedisResource"/> on the local goxec/redis image, data in a volume, a password.
/// </summary>
public static class GoxecRedisExtensions
{
    public const int ContainerPort = 6379;
    private const string DataDirectory = "/data";

    public static IResourceBuilder<IResourceWithConnectionString> AddGoxecRedis(this IDistributedApplicationBuilder builder, string name, GoxecGraphOptions options) =>
        builder.ExecutionContext.IsPublishMode ? builder.AddPublishedRedis(name, options) : builder.AddRedisServer(name, options);

    /// <summary>redis-server on the host, on a free loopback port that is reached directly (no proxy).</summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name, GoxecGraphOptions options)
    {
        var dataDirectory = options.RedisDataDir is { } given ? Path.GetFullPath(given) : TemporaryDirectory(builder, "goxec-redis-");
        Directory.CreateDirectory(dataDirectory);
        var redis = new RedisServerResource(name, "redis-server", dataDirectory);
        var port = Ports.Free();
        var healthCheck = $"{name}_check";
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) => connectionString = await ((IResourceWithConnectionString)redis).GetConnectionStringAsync(ct));
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Redis has no connection string yet."), name: healthCheck);
        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RedisServerResource.EndpointName, isProxied: false)
            .WithEndpoint(RedisServerResource.EndpointName, e => e.TargetHost = "127.0.0.1")
            .WithArgs(context =>
            {
                var endpoint = redis.PrimaryEndpoint.EndpointAnnotation;
                context.Args.Add("--port");
                context.Args.Add(port.ToString(CultureInfo.InvariantCulture));
                context.Args.Add("--bind");
                context.Args.Add(endpoint.TargetHost);
                foreach (var arg in ServerArguments(dataDirectory, options.AppendFsync)) context.Args.Add(arg);
                if (redis.Password is { } password)
                {
                    context.Args.Add("--requirepass");
                    context.Args.Add(password);
                }
            })
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<RedisResource> AddPublishedRedis(this IDistributedApplicationBuilder builder, string name, GoxecGraphOptions options)
    {
        var password = builder.AddParameter($"{name}-password", secret: true);
        var redis = builder.AddRedis(name, port: null, password: password)
            .WithImage("goxec/redis", "latest").WithImageRegistry(null)
            .WithVolume($"{name}-data", DataDirectory)
            .WithArgs(context =>
            {
                // Replaces Aspire's "redis-server --requirepass $REDIS_PASSWORD" with Goxec's settings; the shell expands the password.
                context.Args.Clear();
                context.Args.Add("-c");
                context.Args.Add(PublishedCommandLine(options.AppendFsync));
            })
            .PublishAsGoxecContainer("goxec/redis", ContainerPort)
            .WithPublishedCommand(() => ["sh", "-c", PublishedCommandLine(options.AppendFsync)])
            .WithReadinessCommand("REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG")
            .WithPublishedVolume($"{name}-data", DataDirectory, sizeGb: 4)
            .WithPublishedSecret("REDIS_PASSWORD", password)
            .WithContainerUser(AppImages.RedisUid)
            .WithComputeResources(new(CpuRequest: 0.25, MemoryRequestMb: 256, CpuLimit: 1, MemoryLimitMb: 1024));
        return redis.WithPublishedConnectionString(context => $"{name}:{ContainerPort},password={context.Value(password.Resource)}", isSecret: true);
    }

    private static string PublishedCommandLine(string appendFsync) =>
        $"exec redis-server --port {ContainerPort} {string.Join(' ', ServerArguments(DataDirectory, appendFsync).Select(a => a.Length == 0 ? "''" : a))} --requirepass \"$REDIS_PASSWORD\"";

    private static string[] ServerArguments(string dataDirectory, string appendFsync) =>
        ["--dir", dataDirectory, "--appendonly", "yes", "--appendfsync", appendFsync, "--maxmemory-policy", "noeviction", "--save", ""];

    /// <summary>A directory that lives as long as the AppHost: removed once it has stopped (and its Redis with it).</summary>
    private static string TemporaryDirectory(IDistributedApplicationBuilder builder, string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        builder.Services.AddHostedService(services => new TemporaryDirectoryCleanup(directory, services.GetRequiredService<IHostApplicationLifetime>()));
        return directory;
    }

    private sealed class TemporaryDirectoryCleanup(string directory, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopped.Register(() =>
            {
                try { Directory.Delete(directory, recursive: true); }
                catch (IOException) { }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
