using System.Collections.Concurrent;
using System.Diagnostics;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Starts every sandbox from one thread that lives as long as the worker. bubblewrap's --die-with-parent
/// (PR_SET_PDEATHSIG) fires when the parent *thread* ends, not the process: started from a pool thread,
/// a sandbox would be killed whenever the runtime retired that thread. From this thread it dies only
/// with the worker — which is the point: a killed worker leaves no job running.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ProcessSpawner : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> _queue = new();
    private readonly Thread _thread;

    public ProcessSpawner()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "sandbox spawner" };
        _thread.Start();
    }

    public Task<Process> StartAsync(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((start, started));
        return started.Task;
    }

    private void Run()
    {
        foreach (var (start, started) in _queue.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start."));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }

    public void Dispose() => _queue.CompleteAdding();
}
