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

    public string ConnectionString => LocalPassword is { } password ? $"{Host(0)}:{AllocatedPorts[0]},password={password}" : $"{Host(0)}:{AllocatedPorts[0]}";

    /// <summary>
    /// Off the loopback (placed on another host's address) Redis listens where others can reach it, and
    /// its protected mode refuses them without a password: it gets a random one, for this run only.
    /// </summary>
    internal string? LocalPassword => Host(0) == "127.0.0.1" ? null : _password.Value;

    private readonly Lazy<string> _password = new(() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    /// <summary>Published deployments only (a local run uses <see cref="LocalPassword"/>).</summary>
    public ParameterResource? Password { get; internal set; }

    public const int ContainerPort = 6379;

    public PublishedVariable PublishedConnectionString(string variableName) =>
        Password is { } password
            ? new PublishedVariable(variableName, context => $"{Name}:{ContainerPort},password={context.Value(password)}", IsSecret: true)
            : new PublishedVariable(variableName, _ => $"{Name}:{ContainerPort}", IsSecret: false);

    /// <summary>
    /// The published server: the same durability settings as a local one, data in the volume, the
    /// password from the environment (a shell expands it, so it never appears in the manifests).
    /// </summary>
    internal string[] PublishedCommand(string dataDirectory) =>
    [
        "sh", "-c",
        $"exec redis-server --port {ContainerPort} --dir {dataDirectory} --appendonly yes --appendfsync {AppendFsync} " +
        "--maxmemory-policy noeviction --save ''" + (Password is null ? "" : " --requirepass \"$REDIS_PASSWORD\""),
    ];

    internal override string EndpointScheme => "tcp";

    internal override Func<int, CancellationToken, Task<HealthResult>> HealthCheck =>
        (replica, ct) => HealthChecks.RedisPingAsync(Host(replica), AllocatedPorts[replica], LocalPassword, ct);

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
            .. (LocalPassword is { } password ? ["--requirepass", password] : Array.Empty<string>()),
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

    /// <summary>Published deployments require this password (REDIS_PASSWORD); clients get it in their connection string.</summary>
    public static IResourceBuilder<RedisResource> WithPassword(this IResourceBuilder<RedisResource> builder, ParameterResource password)
    {
        builder.Resource.Password = password;
        return builder.WithSecretEnvironment("REDIS_PASSWORD", password);
    }

    /// <summary>
    /// Published as redis-server in <paramref name="image"/>: the AOF in a volume, readiness by PING
    /// with the password, which the shell takes from the environment.
    /// </summary>
    public static IResourceBuilder<RedisResource> PublishAsRedisContainer(this IResourceBuilder<RedisResource> builder, string image, int volumeSizeGb)
    {
        const string dataDirectory = "/data";
        return builder.PublishAsContainer(image, RedisResource.ContainerPort)
            .WithContainerCommand(() => builder.Resource.PublishedCommand(dataDirectory))
            .WithReadinessCommand("REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping | grep -q PONG")
            .WithDataVolume($"{builder.Resource.Name}-data", dataDirectory, volumeSizeGb);
    }

    public static IResourceBuilder<RedisResource> WithDataDirectory(this IResourceBuilder<RedisResource> builder, string? directory)
    {
        builder.Resource.DataDirectory = directory is null ? null : Path.GetFullPath(directory);
        return builder;
    }
}
