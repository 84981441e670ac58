namespace Goxec.Hosting;

/// <summary>
/// A node of the graph: what to launch, what it waits for, and how to tell it is up.
/// Definitions are immutable once the builder is built; runtime state lives in <see cref="ResourceInstance"/>.
/// </summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>One-shot resources (a build step) run to completion and are never restarted.</summary>
    public bool IsOneShot { get; internal set; }

    public int Replicas { get; internal set; } = 1;

    /// <summary>The requested port: null without an endpoint, 0 for a free port.</summary>
    public int? Port { get; internal set; }

    public string? HealthPath { get; internal set; }

    /// <summary>How long each instance may take to become healthy (or complete) once launched.</summary>
    public TimeSpan? StartupTimeout { get; internal set; }

    /// <summary>Delay before restarting a crashed instance: starts at Initial, doubles up to Max.</summary>
    public (TimeSpan Initial, TimeSpan Max) RestartBackoff { get; internal set; } = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>Per replica: the network namespace and address it runs at, or null for this host's loopback.</summary>
    internal Func<int, Placement?> Placement { get; set; } = _ => null;

    /// <summary>The published form (image, probes, limits); untouched by local runs.</summary>
    public ContainerSettings Container { get; } = new();

    internal List<Dependency> Dependencies { get; } = [];

    internal List<Action<Dictionary<string, string>>> EnvironmentCallbacks { get; } = [];

    /// <summary>Ports picked when the application is built, one per replica, stable across restarts.</summary>
    internal int[] AllocatedPorts { get; set; } = [];

    internal abstract LaunchSpec GetLaunchSpec();

    /// <summary>Throws a message a human can act on when the resource cannot be launched at all.</summary>
    internal virtual void Validate() { }

    /// <summary>A reason to not run this resource at all (it counts as completed), or null.</summary>
    internal virtual string? SkipReason() => null;

    internal virtual Func<int, CancellationToken, Task<HealthResult>>? HealthCheck =>
        HealthPath is null ? null : (replica, ct) => HealthChecks.HttpOkAsync(new Uri(GetEndpoint(replica), HealthPath), ct);

    public Uri GetEndpoint(int replica = 0) =>
        replica < AllocatedPorts.Length
            ? new Uri($"{EndpointScheme}://{Host(replica)}:{AllocatedPorts[replica]}")
            : throw new InvalidOperationException($"Resource '{Name}' has no endpoint for replica {replica} (is the application built?).");

    internal virtual string EndpointScheme => "http";

    /// <summary>The address the replica listens on: its placement's, or loopback.</summary>
    internal string Host(int replica) => Placement(replica)?.Address ?? "127.0.0.1";

    /// <summary>Names shown in logs: "api" for a single instance, "worker-0", "worker-1" for replicas.</summary>
    internal string InstanceName(int replica) => Replicas == 1 ? Name : $"{Name}-{replica}";
}

internal enum WaitKind { Healthy, Completed }

internal sealed record Dependency(Resource Resource, WaitKind Kind);

internal sealed record LaunchSpec(string Command, IReadOnlyList<string> Arguments, string WorkingDirectory);

/// <summary>A resource others can reference through <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    string ConnectionString { get; }

    /// <summary>The connection string inside a published deployment (service name, password).</summary>
    PublishedVariable PublishedConnectionString(string variableName);
}

public enum ResourceState { Pending, Starting, Running, Healthy, Restarting, Completed, Failed, Exited, Stopping, Stopped }

/// <summary>Linux signal numbers; <see cref="System.Runtime.InteropServices.PosixSignal"/> has no SIGKILL.</summary>
public enum Signal { SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15 }
