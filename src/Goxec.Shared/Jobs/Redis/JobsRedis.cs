using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// How Goxec's processes use their one <see cref="IConnectionMultiplexer"/> (registered by Aspire's
/// <c>AddRedisClient("redis")</c>), and the jobs layer that is its only user.
/// </summary>
public static class JobsRedis
{
    /// <summary>
    /// Reconnecting is the client's job: it never gives up at start (Redis may come up after us), retries with
    /// exponential backoff, and keeps commands issued meanwhile until the connection returns or their timeout
    /// passes (then the caller sees a <see cref="RedisConnectionException"/> or <see cref="RedisTimeoutException"/>
    /// and the Api answers 503). RESP3 carries pub/sub on the same connection, so a process holds one connection
    /// to Redis (two against a server without RESP3).
    /// </summary>
    public static void Configure(ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 5;
        options.ConnectTimeout = 5_000;
        options.SyncTimeout = 10_000;
        options.AsyncTimeout = 10_000;
        options.KeepAlive = 5;
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 100, maxDeltaBackOffMilliseconds: 5_000);
        options.Protocol ??= RedisProtocol.Resp3;
        options.ClientName ??= AppDomain.CurrentDomain.FriendlyName;
    }

    /// <summary>A connection of a tool's own (the bench, the chaos run), configured as the services configure theirs.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, string clientName)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.ClientName = clientName;
        Configure(options);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The name under which Aspire's <c>AddRedisClient</c> registers its health check.</summary>
    public const string HealthCheckName = "StackExchange.Redis";

    /// <summary>
    /// The jobs layer: every class that talks to Redis. Readiness follows Redis: the integration's PING check gets a
    /// short timeout, and a second check fails while the multiplexer is disconnected, since a PING issued then waits
    /// for the reconnect like any command and a short outage would otherwise never show.
    /// </summary>
    public static IServiceCollection AddJobsLayer(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ConnectedCheck>("redis-connected");
        services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            foreach (var check in o.Registrations.Where(r => r.Name == HealthCheckName)) check.Timeout = TimeSpan.FromSeconds(2);
        });
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobEventLog>();
        services.AddSingleton<GatewayStore>();
        services.AddSingleton<ClusterStore>();
        services.AddSingleton<Nudges>();
        return services;
    }

    private sealed class ConnectedCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(redis.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Not connected to Redis; reconnecting."));
    }
}
