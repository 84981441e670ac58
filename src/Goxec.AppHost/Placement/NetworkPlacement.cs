using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Goxec.AppHost.Launch;
using Goxec.AppHost.Redis;

namespace Goxec.AppHost.Placement;

/// <summary>Where a resource runs: a Linux network namespace standing in for another host, and its address there.</summary>
public sealed record NetworkPlacement(string Namespace, string Address);

/// <summary>Marks a resource as placed; its launch and its endpoints follow (see <see cref="NetworkPlacementExtensions"/>).</summary>
public sealed class NetworkPlacementAnnotation(NetworkPlacement placement) : IResourceAnnotation
{
    public NetworkPlacement Placement { get; } = placement;
}

/// <summary>
/// Places a resource of the graph on a simulated host: it is launched under <c>ip netns exec NS</c>
/// (iproute2 execs the program in place, so the process is still the program's own), listens on the
/// namespace's address, and its endpoints point there without a proxy (the orchestrator's proxy lives on
/// this host's loopback). A placed resource has one replica: a second host is a second resource.
/// </summary>
public static class NetworkPlacementExtensions
{
    private const string Ip = "/usr/sbin/ip";

    public static IResourceBuilder<T> WithNetworkPlacement<T>(this IResourceBuilder<T> builder, NetworkPlacement placement)
        where T : IResourceWithEndpoints, IResourceWithArgs
    {
        var resource = builder.Resource;
        if (resource.GetReplicaCount() > 1)
            throw new InvalidOperationException($"'{resource.Name}' has {resource.GetReplicaCount()} replicas; place each replica as its own resource.");
        if (!File.Exists(Ip)) throw new InvalidOperationException($"Placing '{resource.Name}' in network namespace '{placement.Namespace}' needs iproute2 (apt-get install iproute2).");
        builder.WithAnnotation(new NetworkPlacementAnnotation(placement), ResourceAnnotationMutationBehavior.Replace);
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            endpoint.TargetHost = placement.Address;
            endpoint.IsProxied = false;
            endpoint.Port ??= Ports.Free();
            endpoint.TargetPort = endpoint.Port;
        }
        switch (resource)
        {
            case ProjectResource project:
                // The launch command becomes ip(8); its launch tool arguments, the built program under `netns exec`.
                var program = BuiltProgramExtensions.ProgramPath(project);
                project.Annotations.Add(new ExecutableAnnotation { Command = Ip, WorkingDirectory = Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath)! });
                builder.WithLaunchToolArgs(context => Add(context, "netns", "exec", placement.Namespace, DotnetHost, program));
                break;
            case RedisServerResource redis:
                // redis-server's own arguments follow (GoxecRedisExtensions); protected mode off the loopback wants a password.
                var command = redis.Annotations.OfType<ExecutableAnnotation>().Last();
                var server = command.Command;
                command.Command = Ip;
                builder.WithLaunchToolArgs(context => Add(context, "netns", "exec", placement.Namespace, server));
                redis.Password ??= builder.ApplicationBuilder.AddParameter($"{redis.Name}-password",
                    Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), secret: true).Resource;
                break;
            default:
                throw new NotSupportedException($"'{resource.Name}' is a {resource.GetType().Name}; only projects and redis-server can be placed.");
        }
        return builder;
    }

    private static void Add(CommandLineArgsCallbackContext context, params string[] args)
    {
        foreach (var arg in args) context.Args.Add(arg);
    }

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "/usr/bin/dotnet";
}
