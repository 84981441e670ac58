namespace Goxec.Docker;

/// <summary>Where the Engine listens and how long one API call may take.</summary>
public sealed class DockerClientOptions
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>Highest Engine API version this client is written against (dockerd 20.10).</summary>
    public const string MaxApiVersion = "1.41";

    /// <summary>A "unix:///path" address, as in DOCKER_HOST. Only unix sockets are supported.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Bound on one request/response (not on an attached exec, which lives as long as its process).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The path of the socket named by <see cref="Endpoint"/>.</summary>
    public string SocketPath => ParseSocketPath(Endpoint);

    /// <summary>Defaults, with the endpoint taken from DOCKER_HOST when it is set.</summary>
    public static DockerClientOptions FromEnvironment() =>
        FromDockerHost(Environment.GetEnvironmentVariable("DOCKER_HOST"));

    public static DockerClientOptions FromDockerHost(string? dockerHost)
    {
        var options = new DockerClientOptions();
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            ParseSocketPath(dockerHost); // fail at start-up, not on the first call
            options.Endpoint = dockerHost.Trim();
        }
        return options;
    }

    public static string ParseSocketPath(string endpoint)
    {
        const string scheme = "unix://";
        // tcp:// would need TLS and client certificates; a worker talks to its local daemon only.
        if (!endpoint.StartsWith(scheme, StringComparison.Ordinal))
            throw new ArgumentException($"Docker endpoint '{endpoint}' is not supported; use unix:///path/to/docker.sock.", nameof(endpoint));
        var path = endpoint[scheme.Length..].Trim();
        if (!path.StartsWith('/'))
            throw new ArgumentException($"Docker endpoint '{endpoint}' must name an absolute socket path.", nameof(endpoint));
        return path;
    }
}
