namespace Goxec.Hosting;

public interface IDistributedApplicationBuilder
{
    DistributedApplicationOptions Options { get; }

    string[] Args { get; }

    /// <summary>Relative resource paths (e.g. "src/Goxec.Web") are resolved against this.</summary>
    string RepositoryRoot { get; }

    /// <summary>The AppHost's own environment name, handed to every project as ASPNETCORE_ENVIRONMENT.</summary>
    string EnvironmentName { get; }

    IReadOnlyList<Resource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : Resource;

    /// <summary>Runs once every resource is up, e.g. to announce the URL people should open.</summary>
    void OnStarted(Action<DistributedApplication> callback);

    DistributedApplication Build();
}

public sealed class DistributedApplicationOptions
{
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Between SIGTERM and SIGKILL when stopping.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public TextWriter Output { get; set; } = Console.Out;

    /// <summary>ANSI colors per resource; on by default only for a terminal.</summary>
    public bool UseColors { get; set; } = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
}

internal sealed class DistributedApplicationBuilder(string[] args, DistributedApplicationOptions options) : IDistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly List<Action<DistributedApplication>> _onStarted = [];

    public DistributedApplicationOptions Options { get; } = options;

    public string[] Args { get; } = args;

    public string RepositoryRoot => BuildInfo.RepositoryRoot;

    public string EnvironmentName { get; } =
        Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
        ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
        ?? "Production";

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"A resource named '{resource.Name}' already exists.", nameof(resource));
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public void OnStarted(Action<DistributedApplication> callback) => _onStarted.Add(callback);

    public DistributedApplication Build()
    {
        var taken = new HashSet<int>();
        foreach (var resource in _resources)
        {
            if (resource.Port is > 0 && resource.Replicas > 1)
                throw new DistributedApplicationException($"Resource '{resource.Name}' has {resource.Replicas} replicas but the fixed port {resource.Port}; use port 0.");
            resource.AllocatedPorts = resource.Port switch
            {
                null => [],
                0 => [.. Enumerable.Range(0, resource.Replicas).Select(_ => FreePort(taken))],
                var port => [port.Value],
            };
            if (resource is RedisResource { DataDirectory: null } redis)
            {
                redis.DataDirectory = Directory.CreateTempSubdirectory("goxec-redis-").FullName;
                redis.OwnsDataDirectory = true;
            }
        }
        return new DistributedApplication(_resources, Options, _onStarted);
    }

    // The OS hands out a free port; a tiny race with other programs remains, as with Aspire's proxies off.
    private static int FreePort(HashSet<int> taken)
    {
        while (true)
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (taken.Add(port)) return port;
        }
    }
}
