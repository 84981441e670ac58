using System.Diagnostics;

namespace Goxec.Hosting;

/// <summary>
/// Launches the process, probes its health, and restarts a long-running one that crashed with
/// exponential backoff (by default 1 s doubling to 30 s, back to the start after a minute of uptime;
/// see <c>WithRestartBackoff</c>).
/// </summary>
public sealed partial class ResourceInstance
{
    private static readonly TimeSpan s_stableUptime = TimeSpan.FromSeconds(60);
    // Probes start fast (startup latency matters in tests) and slow down so logs aren't flooded.
    private static readonly TimeSpan s_firstProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxProbeInterval = TimeSpan.FromSeconds(1);

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var (initialBackoff, maxBackoff) = (Resource.RestartBackoff.Initial, Resource.RestartBackoff.Max);
        var backoff = initialBackoff;
        while (true)
        {
            SetState(ResourceState.Starting);
            var uptime = Stopwatch.StartNew();
            ChildProcess child;
            try
            {
                child = ChildProcess.Start(Resource.GetLaunchSpec().PlacedIn(Resource.Placement(Replica)), BuildEnvironment(), Log);
            }
            // Whatever goes wrong here (an environment callback, fork) must show as Failed, not as a silently faulted task.
            catch (Exception e)
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

            if (uptime.Elapsed >= s_stableUptime) backoff = initialBackoff;
            Event($"{Name} exited with {code}; restarting in {backoff.TotalSeconds:0.#}s");
            SetState(ResourceState.Restarting);
            try { await Task.Delay(backoff, stopping); }
            catch (OperationCanceledException) { SetState(ResourceState.Stopped); return; }
            backoff = Min(backoff * 2, maxBackoff);
            Restarts++;
        }
    }

    private async Task ProbeUntilHealthyAsync(CancellationToken ct)
    {
        if (Resource.HealthCheck is not { } check)
        {
            // Nothing to probe: running is as healthy as it gets (a one-shot reports on exit instead).
            if (!Resource.IsOneShot) SetState(ResourceState.Healthy);
            return;
        }
        try
        {
            for (var interval = s_firstProbeInterval; ; interval = Min(interval * 2, s_maxProbeInterval))
            {
                var result = await check(Replica, ct);
                Health = result.Description;
                if (result.Healthy) break;
                await Task.Delay(interval, ct);
            }
            SetState(ResourceState.Healthy);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
