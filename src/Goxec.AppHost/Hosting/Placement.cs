namespace Goxec.Hosting;

/// <summary>
/// Where an instance runs: a Linux network namespace standing in for another host, and the address
/// it listens on there. The graph stays the AppHost's; only the launch and the addresses change.
/// </summary>
public sealed record Placement(string Namespace, string Address);

public static class PlacementExtensions
{
    /// <summary>Runs every replica in <paramref name="placement"/>'s namespace, reachable at its address.</summary>
    public static IResourceBuilder<T> WithPlacement<T>(this IResourceBuilder<T> builder, Placement placement) where T : Resource =>
        builder.WithPlacement(_ => placement);

    /// <summary>Places each replica on its own (simulated) host; null keeps a replica on this host's loopback.</summary>
    public static IResourceBuilder<T> WithPlacement<T>(this IResourceBuilder<T> builder, Func<int, Placement?> perReplica) where T : Resource
    {
        builder.Resource.Placement = perReplica;
        return builder;
    }

    /// <summary>A builder for a resource already in the graph (as in Aspire), e.g. to place what GoxecGraph added.</summary>
    public static IResourceBuilder<T> CreateResourceBuilder<T>(this IDistributedApplicationBuilder builder, T resource) where T : Resource =>
        builder.Resources.Contains(resource)
            ? new ResourceBuilder<T>(resource, builder)
            : throw new ArgumentException($"Resource '{resource.Name}' is not part of this application.", nameof(resource));

    /// <summary>
    /// <c>ip netns exec NS command …</c>: iproute2 execs the command in place, so the pid we supervise
    /// and signal is still the program's own.
    /// </summary>
    internal static LaunchSpec PlacedIn(this LaunchSpec spec, Placement? placement)
    {
        if (placement is null) return spec;
        var ip = ExecutableResource.ResolveCommand("ip")
            ?? throw new DistributedApplicationException($"Placing a resource in network namespace '{placement.Namespace}' needs iproute2 (apt-get install iproute2).");
        return spec with { Command = ip, Arguments = ["netns", "exec", placement.Namespace, spec.Command, .. spec.Arguments] };
    }
}
