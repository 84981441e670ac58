using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Goxec.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Goxec.Graph;

/// <summary>
/// A started Aspire graph as the tests use it: endpoints, connection strings, each replica (its state,
/// process and recent console lines, followed from Aspire's notification and logger services), and
/// <see cref="DisposeAsync"/> that stops everything.
/// </summary>
public sealed class RunningGraph : IAsyncDisposable
{
    private readonly CancellationTokenSource _watching = new();
    private readonly ConcurrentDictionary<string, ResourceReplica> _replicas = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<Task> _watchers = [];
    private TaskCompletionSource _changed = NewSignal();

    private readonly TextWriter? _log;

    private RunningGraph(DistributedApplication app, TextWriter? log) => (Aspire, _log) = (app, log);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Starts the real AppHost (its own Program, so the very graph <c>./goxec up</c> runs) through
    /// Aspire.Hosting.Testing, with <paramref name="options"/> as the AppHost's <c>Goxec:*</c> settings, and
    /// returns once every resource is up and healthy. When the start fails, what did start is stopped.
    /// <paramref name="configure"/> may change the model first (remove a resource, place one on a host).
    /// </summary>
    public static async Task<RunningGraph> StartAsync(GoxecGraphOptions options, CancellationToken ct, Action<IDistributedApplicationTestingBuilder>? configure = null,
        bool dashboard = false, TextWriter? log = null)
    {
        var builder = await CreateBuilderAsync(options, ct, dashboard);
        configure?.Invoke(builder);
        return await StartAsync(builder, ct, log);
    }

    /// <summary>
    /// The AppHost's builder with its model, not started. With <paramref name="dashboard"/> the Aspire dashboard
    /// runs too, on free loopback ports without a login (as <c>./goxec up</c> runs it), and the services export
    /// their telemetry to it.
    /// </summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(GoxecGraphOptions options, CancellationToken ct, bool dashboard = false)
    {
        string[] args = dashboard
            ?
            [
                .. Arguments(options),
                $"--ASPNETCORE_URLS=http://127.0.0.1:{FreePort()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ]
            : Arguments(options);
        return DistributedApplicationTestingBuilder.CreateAsync(typeof(GoxecGraph), args, (app, _) =>
        {
            app.DisableDashboard = !dashboard;
            app.AllowUnsecuredTransport = true;
        }, ct);
    }

    /// <summary>
    /// The Aspire dashboard's address when it runs: the URL of its frontend endpoint ("http") that its resource
    /// ("aspire-dashboard") shows, which the testing host may have moved to another port, else the AppHost's
    /// ASPNETCORE_URLS. Not just any http URL: the resource also shows its OTLP/gRPC endpoint (http://, HTTP/2
    /// only), which answers a browser or an HttpClient with 400.
    /// </summary>
    public Uri? DashboardUrl =>
        _replicas.Values.FirstOrDefault(r => r.Resource.Name == "aspire-dashboard")?.Snapshot?.Urls
            .FirstOrDefault(u => u.Name == "http" && !u.IsInternal) is { } shown
            ? new Uri(shown.Url)
            : Aspire.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["ASPNETCORE_URLS"] is { Length: > 0 } urls
                ? new Uri(urls.Split(';')[0])
                : null;

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The options as the AppHost reads them: <c>--Goxec:Workers=2</c>, <c>--Goxec:Environment:Name=value</c>, ….</summary>
    public static string[] Arguments(GoxecGraphOptions options)
    {
        var args = new List<string>
        {
            $"--Goxec:ApiPort={options.ApiPort}",
            $"--Goxec:Workers={options.Workers}",
            $"--Goxec:ApiReplicas={options.ApiReplicas}",
            $"--Goxec:BuildWeb={options.BuildWeb}",
            $"--Goxec:AppendFsync={options.AppendFsync}",
            $"--Goxec:RestartDelay={options.RestartDelay.ToString("c", CultureInfo.InvariantCulture)}",
            $"--Goxec:RestartMaxDelay={options.RestartMaxDelay.ToString("c", CultureInfo.InvariantCulture)}",
            $"--Goxec:Cluster={options.Cluster}",
        };
        if (options.RedisDataDir is { } dir) args.Add($"--Goxec:RedisDataDir={dir}");
        args.AddRange(options.Environment.Select(e => $"--Goxec:Environment:{e.Key}={e.Value}"));
        return [.. args];
    }


    /// <summary>Aspire's application: its services (notifications, commands, loggers) and the model.</summary>
    public DistributedApplication Aspire { get; }

    public DistributedApplicationModel Model => Aspire.Services.GetRequiredService<DistributedApplicationModel>();

    /// <summary>Every replica seen so far, in the order of the model's resources.</summary>
    public IEnumerable<ResourceReplica> Instances =>
        Model.Resources.SelectMany(r => _replicas.Values.Where(i => i.Resource == r).OrderBy(i => i.Name, StringComparer.Ordinal));

    /// <summary>Builds and starts <paramref name="builder"/>'s graph; every replica's console lines also go to <paramref name="log"/>.</summary>
    public static async Task<RunningGraph> StartAsync(IDistributedApplicationTestingBuilder builder, CancellationToken ct, TextWriter? log = null)
    {
        var app = await builder.BuildAsync(ct);
        var graph = new RunningGraph(app, log);
        try
        {
            graph.Watch();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StartTimeout);
            try
            {
                await app.StartAsync(timeout.Token);
                foreach (var resource in graph.Model.Resources.Where(r => r.Annotations.OfType<HealthCheckAnnotation>().Any()))
                    await graph.WaitForHealthyAsync(resource.Name, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The graph was not up and healthy within {StartTimeout}:\n{graph.RecentLogs()}");
            }
            return graph;
        }
        catch
        {
            await graph.DisposeAsync();
            throw;
        }
    }

    /// <summary>The endpoint every client uses (for replicas, Aspire's proxy in front of all of them).</summary>
    public Uri GetEndpoint(string resource, string? endpoint = null) => Aspire.GetEndpoint(resource, endpoint);

    public string ConnectionString(string resource) =>
        Aspire.GetConnectionStringAsync(resource).AsTask().GetAwaiter().GetResult()
        ?? throw new InvalidOperationException($"Resource '{resource}' has no connection string.");

    /// <summary>The replicas of a resource, by name (worker-0, worker-1, …).</summary>
    public IReadOnlyList<ResourceReplica> GetReplicas(string resource) =>
        [.. _replicas.Values.Where(r => r.Resource.Name == resource).OrderBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>One replica by its name ("worker-1", or "redis", "api" for single ones).</summary>
    public ResourceReplica GetResource(string name) =>
        _replicas.Values.FirstOrDefault(r => r.Name == name)
        ?? throw new KeyNotFoundException($"No replica '{name}'; there are: {string.Join(", ", _replicas.Values.Select(r => r.Name))}.");

    /// <summary>Returns once every replica of <paramref name="resource"/> is Running and, when it has health checks, healthy.</summary>
    public Task WaitForHealthyAsync(string resource, CancellationToken ct) =>
        WaitUntilAsync(() =>
        {
            var model = Model.Resources.Single(r => r.Name == resource);
            var replicas = GetReplicas(resource);
            return replicas.Count >= model.GetReplicaCount() && replicas.All(r => r.IsHealthy);
        }, ct);

    /// <summary>Completes when <paramref name="condition"/> holds; checked again at every state change and log line.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_lock) changed = _changed.Task;
            if (condition()) return;
            await changed.WaitAsync(ct);
        }
    }

    /// <summary>The last console lines of every replica, for failure messages.</summary>
    public string RecentLogs(int perReplica = 40) =>
        string.Join('\n', Instances.SelectMany(i => i.RecentLogs.TakeLast(perReplica).Select(line => $"{i.Name} | {line}")));

    public async ValueTask DisposeAsync()
    {
        await _watching.CancelAsync();
        try { await Aspire.StopAsync().WaitAsync(TimeSpan.FromMinutes(2)); }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        await Aspire.DisposeAsync();
        await Task.WhenAll(_watchers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _watching.Dispose();
    }

    private void Watch()
    {
        var notifications = Aspire.Services.GetRequiredService<ResourceNotificationService>();
        _watchers.Add(Task.Run(async () =>
        {
            await foreach (var change in notifications.WatchAsync(_watching.Token))
            {
                var replica = _replicas.GetOrAdd(change.ResourceId, id =>
                {
                    var created = new ResourceReplica(this, change.Resource, id);
                    lock (_lock) _watchers.Add(FollowLogsAsync(created));
                    return created;
                });
                replica.Update(change.Snapshot);
                Changed();
            }
        }));
    }

    private async Task FollowLogsAsync(ResourceReplica replica)
    {
        var loggers = Aspire.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            await foreach (var batch in loggers.WatchAsync(replica.ResourceId).WithCancellation(_watching.Token))
            {
                foreach (var line in batch)
                {
                    var text = replica.AddLog(line.Content);
                    if (_log is not null) lock (_log) _log.WriteLine($"{replica.Name} | {text}");
                }
                Changed();
            }
        }
        catch (OperationCanceledException) { }
    }

    internal void Changed()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Running, and every health check answered healthy (Aspire counts a resource without checks healthy once running).</summary>
    internal static bool IsHealthy(CustomResourceSnapshot snapshot) => snapshot.HealthStatus == HealthStatus.Healthy;
}
