using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Goxec.Graph;

/// <summary>
/// One replica of a resource of the running graph (redis, api, worker-0, …): its latest snapshot from
/// Aspire's notifications, its recent console lines, and a way to crash it as a real fault would.
/// </summary>
public sealed partial class ResourceReplica(RunningGraph app, IResource resource, string resourceId)
{
    private readonly Queue<string> _logs = new();
    private readonly Lock _lock = new();
    private CustomResourceSnapshot? _snapshot;

    public IResource Resource { get; } = resource;

    /// <summary>DCP's name for the replica (worker-abcdwxyz), as the dashboard shows it.</summary>
    public string ResourceId { get; } = resourceId;

    /// <summary>A worker's Redis consumer name ("worker-1"), "api-0" for Api replicas, "redis" and "api" for single ones.</summary>
    public string Name => Environment("Worker__ConsumerName")
        ?? (Resource.GetReplicaCount() > 1 ? $"{Resource.Name}-{Replica}" : Resource.Name);

    /// <summary>The replica's index, from the environment the AppHost gave it.</summary>
    public int Replica => int.Parse(Environment("GOXEC_REPLICA") ?? "0", CultureInfo.InvariantCulture);

    public string? State => Snapshot?.State?.Text;

    public bool IsHealthy => Snapshot is { } s && RunningGraph.IsHealthy(s);

    public int? LastExitCode => Snapshot?.ExitCode;

    /// <summary>The program's process, as the orchestrator launched it (a project runs its build output directly).</summary>
    public int? ProcessId => Snapshot?.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
    {
        int pid => pid,
        long pid => (int)pid,
        string text when int.TryParse(text, CultureInfo.InvariantCulture, out var pid) => pid,
        _ => null,
    };

    /// <summary>This replica's own address (not the proxy's), from the ASPNETCORE_URLS it was given.</summary>
    public Uri? Endpoint => Environment("ASPNETCORE_URLS") is { } urls ? new Uri(urls.Split(';')[0]) : null;

    public IReadOnlyList<string> RecentLogs
    {
        get { lock (_lock) return [.. _logs]; }
    }

    public CustomResourceSnapshot? Snapshot
    {
        get { lock (_lock) return _snapshot; }
    }

    /// <summary>A variable of the environment the replica was started with, as the orchestrator resolved it.</summary>
    public string? Environment(string name) => Snapshot?.EnvironmentVariables.FirstOrDefault(e => e.Name == name)?.Value;

    /// <summary>Sends <paramref name="signal"/> to the program (SIGKILL: a crash) and waits until the orchestrator saw it exit.</summary>
    public async Task KillAsync(Signal signal, CancellationToken ct = default)
    {
        var pid = ProcessId is { } running && PosixProcess.IsAlive(running) ? running : throw new InvalidOperationException($"'{Name}' has no process.");
        PosixProcess.Kill(pid, signal);
        await app.WaitUntilAsync(() => ProcessId != pid || State != KnownResourceStates.Running, ct);
    }

    /// <summary>Starts a stopped or exited replica again through its "start" command (what the dashboard's button does).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        var commands = app.Aspire.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(ResourceId, KnownResourceCommands.StartCommand, ct);
        if (!result.Success) throw new InvalidOperationException($"Starting '{Name}' failed: {result.Message}");
    }

    /// <summary>
    /// Waits until the replica's current program answers 200 on /health itself: right after a restart the
    /// orchestrator's snapshot may still carry the health of the process before.
    /// </summary>
    public async Task WaitUntilAnsweringAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (State == KnownResourceStates.Running && ProcessId is not null && Endpoint is { } endpoint)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(endpoint, "/health"), ct);
                    if (response.IsSuccessStatusCode) return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { }
            }
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds; checked at every state change and log line.</summary>
    public Task WaitUntilAsync(Func<ResourceReplica, bool> condition, CancellationToken ct) => app.WaitUntilAsync(() => condition(this), ct);

    internal void Update(CustomResourceSnapshot snapshot)
    {
        lock (_lock) _snapshot = snapshot;
    }

    /// <summary>Keeps the line (without the orchestrator's timestamp and without colours) and returns it so.</summary>
    internal string AddLog(string line)
    {
        // The orchestrator's console lines start with their timestamp; the program's own line follows.
        if (line.Length > 29 && line[4] == '-' && line[10] == 'T' && line.IndexOf("Z ", 19, 12, StringComparison.Ordinal) is var end and > 0)
            line = line[(end + 2)..];
        // Aspire gives every project DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION=true (the dashboard shows the
        // colours), so the console logger's "warn:" arrives as ESC[1mESC[33mwarnESC[39m…: readers get the plain text.
        line = AnsiEscape().Replace(line, "");
        lock (_lock)
        {
            if (_logs.Count == 400) _logs.Dequeue();
            _logs.Enqueue(line);
        }
        return line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();
}
