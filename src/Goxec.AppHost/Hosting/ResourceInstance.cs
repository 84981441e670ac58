namespace Goxec.Hosting;

/// <summary>
/// One replica of a resource at run time: its state, logs and process. The supervising loop that
/// launches, probes and restarts it is in ResourceInstance.Supervisor.cs.
/// </summary>
public sealed partial class ResourceInstance
{
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

    private void Log(string line)
    {
        // Console first: a waiter woken by the buffer may expect to find the line printed already.
        _console.Line(Name, line);
        _logs.Add(line);
        Changed();
    }

    private void Event(string message)
    {
        _console.Event(message);
        _logs.Add("[goxec] " + message);
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
