using System.Diagnostics;

namespace Goxec.Hosting;

/// <summary>
/// One running replica of a resource and its supervisor: launches the process, probes its health,
/// and restarts a long-running one that crashed, with exponential backoff.
/// </summary>
public sealed class ResourceInstance
{
    private static readonly TimeSpan s_initialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stableUptime = TimeSpan.FromSeconds(60);
    // Probes start fast (startup latency matters in tests) and slow down so logs aren't flooded.
    private static readonly TimeSpan s_firstProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxProbeInterval = TimeSpan.FromSeconds(1);

    private readonly ConsoleLog _console;
    private readonly LogBuffer _logs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();
    private ChildProcess? _child;
    private Task _supervisor = Task.CompletedTask;
    private bool _restart = true;

    internal ResourceInstance(Resource resource, int replica, ConsoleLog console)
    {
        Resource = resource;
        Replica = replica;
        Name = resource.InstanceName(replica);
        _console = console;
    }

    public string Name { get; }

    public Resource Resource { get; }

    public int Replica { get; }

    public ResourceState State { get; private set; } = ResourceState.Pending;

    /// <summary>What the last probe or event said, for the status table ("200 /health", "skipped: …").</summary>
    public string Health { get; private set; } = "";

    public int? ProcessId => _child?.Id;

    public int? LastExitCode { get; private set; }

    public int Restarts { get; private set; }

    public Uri? Endpoint => Resource.AllocatedPorts.Length > Replica ? Resource.GetEndpoint(Replica) : null;

    /// <summary>The last ~200 lines of output, with the orchestrator's own events for this instance.</summary>
    public IReadOnlyList<string> RecentLogs => _logs.Snapshot();

    /// <summary>Completes when <paramref name="condition"/> holds; re-evaluated on every state change and log line.</summary>
    public async Task WaitUntilAsync(Func<ResourceInstance, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_lock) changed = _changed.Task;
            if (condition(this)) return;
            await changed.WaitAsync(ct);
        }
    }

    /// <summary>Sends a signal to the process group (a crash, for tests) and waits until it has exited.</summary>
    public async Task KillAsync(Signal signal, bool restart = true)
    {
        if (_child is not { } child) throw new InvalidOperationException($"'{Name}' is not running.");
        _restart = restart;
        child.Signal(signal);
        await child.Exited;
    }

    internal IReadOnlyDictionary<string, string> BuildEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["GOXEC_REPLICA"] = Replica.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Worker__ConsumerName"] = $"{Resource.Name}-{Replica}",
            ["OTEL_SERVICE_NAME"] = Resource.Name,
        };
        if (Resource.Port is not null && Resource is not RedisResource)
        {
            env["PORT"] = Endpoint!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["ASPNETCORE_URLS"] = Endpoint.ToString().TrimEnd('/');
        }
        foreach (var callback in Resource.EnvironmentCallbacks) callback(env);
        return env;
    }

    internal void Start()
    {
        if (Resource.SkipReason() is { } reason)
        {
            Health = "skipped: " + reason;
            Event($"{Name} skipped: {reason}");
            SetState(ResourceState.Completed);
            return;
        }
        // Under the lock so a concurrent StopAsync either prevents the launch or sees the supervisor.
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested || _supervisor != Task.CompletedTask) return;
            _supervisor = Task.Run(() => SuperviseAsync(_stopping.Token));
        }
    }

    internal async Task StopAsync(TimeSpan grace)
    {
        lock (_lock) _stopping.Cancel();
        if (_child is { } child && !child.Exited.IsCompleted)
        {
            SetState(ResourceState.Stopping);
            await child.TerminateAsync(grace);
        }
        await _supervisor;
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = s_initialBackoff;
        while (true)
        {
            SetState(ResourceState.Starting);
            var uptime = Stopwatch.StartNew();
            ChildProcess child;
            try
            {
                child = ChildProcess.Start(Resource.GetLaunchSpec(), BuildEnvironment(), Log);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or DistributedApplicationException)
            {
                Event($"{Name} could not start: {e.Message}");
                SetState(ResourceState.Failed);
                return;
            }
            _child = child;
            Health = "";
            SetState(ResourceState.Running);
            if (stopping.IsCancellationRequested) await child.TerminateAsync(TimeSpan.FromSeconds(10));
            using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var probe = ProbeUntilHealthyAsync(probing.Token);
            var code = await child.Exited;
            await probing.CancelAsync();
            await probe;
            LastExitCode = code;

            if (stopping.IsCancellationRequested) { SetState(ResourceState.Stopped); return; }
            if (Resource.IsOneShot)
            {
                Event(code == 0 ? $"{Name} completed" : $"{Name} failed with exit code {code}");
                SetState(code == 0 ? ResourceState.Completed : ResourceState.Failed);
                return;
            }
            if (!_restart) { Event($"{Name} exited with {code}; not restarting"); SetState(ResourceState.Exited); return; }

            if (uptime.Elapsed >= s_stableUptime) backoff = s_initialBackoff;
            Event($"{Name} exited with {code}; restarting in {backoff.TotalSeconds:0}s");
            SetState(ResourceState.Restarting);
            try { await Task.Delay(backoff, stopping); }
            catch (OperationCanceledException) { SetState(ResourceState.Stopped); return; }
            backoff = Min(backoff * 2, s_maxBackoff);
            Restarts++;
        }
    }

    private async Task ProbeUntilHealthyAsync(CancellationToken ct)
    {
        if (Resource.HealthCheck is not { } check)
        {
            // Nothing to probe: running is as healthy as it gets (a one-shot reports on exit instead).
            Health = "no check";
            if (!Resource.IsOneShot) SetState(ResourceState.Healthy);
            return;
        }
        try
        {
            for (var interval = s_firstProbeInterval; !await check(Replica, ct); interval = Min(interval * 2, s_maxProbeInterval))
                await Task.Delay(interval, ct);
            Health = "healthy";
            SetState(ResourceState.Healthy);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Log(string line)
    {
        _logs.Add(line);
        _console.Line(Name, line);
        Changed();
    }

    private void Event(string message)
    {
        _logs.Add("[goxec] " + message);
        _console.Event(message);
        Changed();
    }

    private void SetState(ResourceState state)
    {
        lock (_lock) State = state;
        Changed();
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
