using System.Runtime.InteropServices;

namespace Goxec.Hosting;

/// <summary>
/// The built graph at run time: starts resources in dependency order, supervises them, and stops
/// them in reverse order. A small stand-in for .NET Aspire's type of the same name.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly DistributedApplicationOptions _options;
    private readonly IReadOnlyList<Action<DistributedApplication>> _onStarted;
    private readonly Dictionary<Resource, ResourceInstance[]> _instances;
    private readonly ConsoleLog _console;
    private int _stopped;

    internal DistributedApplication(IReadOnlyList<Resource> resources, DistributedApplicationOptions options, IReadOnlyList<Action<DistributedApplication>> onStarted)
    {
        _resources = resources;
        _options = options;
        _onStarted = onStarted;
        var width = resources.SelectMany(r => Enumerable.Range(0, r.Replicas).Select(r.InstanceName)).Append("goxec").Max(n => n.Length);
        _console = new ConsoleLog(options.Output, options.UseColors, width);
        _instances = resources.ToDictionary(r => r, r => Enumerable.Range(0, r.Replicas).Select(i => new ResourceInstance(r, i, _console)).ToArray());
    }

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        new DistributedApplicationBuilder(args, new DistributedApplicationOptions());

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder([], options);

    public TextWriter Output => _options.Output;

    public IEnumerable<ResourceInstance> Instances => _resources.SelectMany(r => _instances[r]);

    /// <summary>An instance by name: "api", "worker-1", or a replicated resource's name when it has one replica.</summary>
    public ResourceInstance GetResource(string name) =>
        Instances.FirstOrDefault(i => i.Name == name)
        ?? throw new KeyNotFoundException($"No resource instance '{name}'; there are: {string.Join(", ", Instances.Select(i => i.Name))}.");

    public IReadOnlyList<ResourceInstance> GetReplicas(string resourceName) =>
        _instances.FirstOrDefault(p => p.Key.Name == resourceName).Value
        ?? throw new KeyNotFoundException($"No resource '{resourceName}'.");

    /// <summary>The endpoint of an instance, or of the first replica of a resource.</summary>
    public Uri GetEndpoint(string name) =>
        (Instances.FirstOrDefault(i => i.Name == name) ?? GetReplicas(name)[0]).Endpoint
        ?? throw new InvalidOperationException($"Resource '{name}' has no endpoint.");

    public string ConnectionString(string name) =>
        _resources.OfType<IResourceWithConnectionString>().FirstOrDefault(r => r.Name == name)?.ConnectionString
        ?? throw new KeyNotFoundException($"No resource '{name}' with a connection string.");

    /// <summary>Starts everything and returns once every resource is healthy (or, for one-shots, completed).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        foreach (var resource in _resources.Where(r => r.SkipReason() is null)) resource.Validate();
        try
        {
            await new Startup(_resources, _instances, _options.StartupTimeout).RunAsync(ct);
        }
        catch
        {
            await StopAsync();
            throw;
        }
        StatusTable.Write(_options.Output, Instances);
        foreach (var callback in _onStarted) callback(this);
    }

    /// <summary>Stops resources in reverse dependency order: SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        foreach (var resource in _resources.Reverse())
            await Task.WhenAll(_instances[resource].Select(i => i.StopAsync(_options.StopGracePeriod)));
    }

    /// <summary>Starts, then runs until Ctrl+C or SIGTERM; exit code 1 when startup fails.</summary>
    public async Task RunAsync(CancellationToken ct = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // We exit on our own, after stopping the children.
            _console.Event($"{context.Signal} received; stopping");
            shutdown.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await StartAsync(shutdown.Token);
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (DistributedApplicationException e)
        {
            _console.Event(e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            await DisposeAsync();
            _console.Event("stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var redis in _resources.OfType<RedisResource>().Where(r => r.OwnsDataDirectory && Directory.Exists(r.DataDirectory)))
            Directory.Delete(redis.DataDirectory!, recursive: true);
    }
}
