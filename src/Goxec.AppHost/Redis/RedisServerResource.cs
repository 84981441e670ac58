using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Redis;

/// <summary>
/// Redis for a local run: the host's <c>redis-server</c>, launched by the orchestrator like any executable,
/// its port reached directly (no proxy). Measured here, a container behind docker-proxy answered ~2.2×
/// fewer commands per second (redis-benchmark, 32 clients: ~20k vs ~45k SET/s on the 2-core machine), and
/// the ingest path spends several round trips per submission. Published deployments use Aspire's
/// <see cref="RedisResource"/> on the goxec/redis image instead (see <see cref="GoxecRedisExtensions"/>).
/// </summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <summary>Set when Redis listens beyond loopback (placed on a simulated host): protected mode then wants one.</summary>
    public ParameterResource? Password { get; internal set; }

    public ReferenceExpression ConnectionStringExpression =>
        Password is null
            ? ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}")
            : ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}
