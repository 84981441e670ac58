namespace Goxec.Hosting;

/// <summary>
/// Launches every resource as soon as what it waits for is up, and fails fast, naming the
/// resource and showing its last log lines, when something fails or does not come up in time.
/// </summary>
internal sealed class Startup(IReadOnlyList<Resource> resources, IReadOnlyDictionary<Resource, ResourceInstance[]> instances, TimeSpan defaultTimeout)
{
    private const int LogLinesInErrors = 20;

    public async Task RunAsync(CancellationToken ct)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var launched = new Dictionary<Resource, Task>();
        // Declaration order is a topological order: a builder can only wait for resources added before it.
        foreach (var resource in resources) launched[resource] = LaunchAsync(resource, launched, abort.Token);
        var up = resources.Select(r => UpAsync(r, launched[r], abort.Token)).ToArray();
        var all = up.Select(async task =>
        {
            try { await task; }
            catch { await abort.CancelAsync(); throw; }
        }).ToArray();
        try
        {
            await Task.WhenAll(all);
        }
        catch
        {
            var cause = all.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (cause is not null) throw cause;
            throw;
        }
    }

    private async Task LaunchAsync(Resource resource, IReadOnlyDictionary<Resource, Task> launched, CancellationToken ct)
    {
        foreach (var (dependency, kind) in resource.Dependencies)
        {
            await launched[dependency];
            foreach (var instance in instances[dependency]) await WaitAsync(instance, kind, ct);
        }
        ct.ThrowIfCancellationRequested();
        foreach (var instance in instances[resource]) instance.Start();
    }

    private async Task UpAsync(Resource resource, Task launch, CancellationToken ct)
    {
        await launch;
        var kind = resource.IsOneShot ? WaitKind.Completed : WaitKind.Healthy;
        await Task.WhenAll(instances[resource].Select(i => WaitAsync(i, kind, ct)));
    }

    private async Task WaitAsync(ResourceInstance instance, WaitKind kind, CancellationToken ct)
    {
        var timeout = instance.Resource.StartupTimeout ?? defaultTimeout;
        var goal = kind == WaitKind.Completed ? "complete" : "become healthy";
        try
        {
            await instance.WaitUntilAsync(i => IsTerminal(i.State) || IsUp(i.State, kind), ct).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw Failure(instance, $"did not {goal} within {timeout.TotalSeconds:0}s");
        }
        if (!IsUp(instance.State, kind)) throw Failure(instance, $"stopped before it could {goal}");
    }

    private static bool IsUp(ResourceState state, WaitKind kind) =>
        state == ResourceState.Completed || (kind == WaitKind.Healthy && state == ResourceState.Healthy);

    private static bool IsTerminal(ResourceState state) =>
        state is ResourceState.Failed or ResourceState.Exited or ResourceState.Stopped;

    private static DistributedApplicationException Failure(ResourceInstance instance, string what)
    {
        var exit = instance.LastExitCode is { } code ? $", last exit code {code}" : "";
        var health = instance.Health is "" ? "" : $", health {instance.Health}";
        var lines = instance.RecentLogs.TakeLast(LogLinesInErrors).Select(l => $"  {instance.Name} | {l}");
        return new DistributedApplicationException(
            $"Resource '{instance.Name}' {what} (state {instance.State}{exit}{health}). Last log lines:{Environment.NewLine}"
            + string.Join(Environment.NewLine, lines));
    }
}
