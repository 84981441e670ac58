namespace Goxec.Hosting;

/// <summary>
/// A local redis-server process configured the way production runs it: AOF on, and
/// <c>noeviction</c> so a full Redis refuses writes instead of silently dropping jobs.
/// </summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public string AppendFsync { get; internal set; } = "everysec";

    /// <summary>Null until built: then a fresh temp directory unless one was given.</summary>
    public string? DataDirectory { get; internal set; }

    /// <summary>True when the directory is ours to delete on dispose.</summary>
    internal bool OwnsDataDirectory { get; set; }

    public string ConnectionString => Password is { } password ? $"{Host(0)}:{AllocatedPorts[0]},password={password}" : $"{Host(0)}:{AllocatedPorts[0]}";

    /// <summary>
    /// Off the loopback (placed on another host's address) Redis listens where others can reach it, and
    /// its protected mode refuses them without a password: it gets a random one, for this run only.
    /// </summary>
    internal string? Password => Host(0) == "127.0.0.1" ? null : _password.Value;

    private readonly Lazy<string> _password = new(() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    internal override string EndpointScheme => "tcp";

    internal override Func<int, CancellationToken, Task<HealthResult>> HealthCheck =>
        (replica, ct) => HealthChecks.RedisPingAsync(Host(replica), AllocatedPorts[replica], Password, ct);

    internal override void Validate()
    {
        if (ExecutableResource.ResolveCommand("redis-server") is null)
            throw new DistributedApplicationException($"Resource '{Name}': redis-server is not installed (apt-get install redis-server).");
    }

    internal override LaunchSpec GetLaunchSpec()
    {
        Directory.CreateDirectory(DataDirectory!);
        return new LaunchSpec(ExecutableResource.ResolveCommand("redis-server") ?? "redis-server",
        [
            "--port", AllocatedPorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", Host(0),
            "--dir", DataDirectory!,
            "--appendonly", "yes",
            "--appendfsync", AppendFsync,
            "--maxmemory-policy", "noeviction",
            // AOF is the durability story; RDB snapshots would only add fork pauses.
            "--save", "",
            // On the command line, like the rest: this machine's process list is no wider a circle than its files.
            .. (Password is { } password ? ["--requirepass", password] : Array.Empty<string>()),
        ], DataDirectory!);
    }
}

public static class RedisResourceExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int port = 0)
    {
        var redis = new RedisResource(name) { Port = port };
        return builder.AddResource(redis);
    }

    public static IResourceBuilder<RedisResource> WithAppendFsync(this IResourceBuilder<RedisResource> builder, string appendFsync)
    {
        builder.Resource.AppendFsync = appendFsync is "always" or "everysec" or "no"
            ? appendFsync
            : throw new ArgumentException($"appendfsync must be always, everysec or no, not '{appendFsync}'.", nameof(appendFsync));
        return builder;
    }

    public static IResourceBuilder<RedisResource> WithDataDirectory(this IResourceBuilder<RedisResource> builder, string? directory)
    {
        builder.Resource.DataDirectory = directory is null ? null : Path.GetFullPath(directory);
        return builder;
    }
}
