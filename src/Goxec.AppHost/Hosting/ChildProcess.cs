using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Goxec.Hosting;

/// <summary>
/// One launched OS process, started through <c>setsid</c> so it leads its own process group.
/// That makes the whole tree (a shell and what it spawned) signalable at once, and keeps the
/// terminal's Ctrl+C away from children so the orchestrator can stop them in reverse order.
/// </summary>
internal sealed class ChildProcess
{
    private readonly Process _process;
    private readonly Task _pumps;

    private ChildProcess(Process process, Action<string> onLine)
    {
        _process = process;
        Id = process.Id; // Captured: Process.Id throws once the process is disposed.
        _process.StandardInput.Close();
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, onLine), PumpAsync(process.StandardError, onLine));
        Exited = WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes with the exit code (128 + signal when killed) once the process and its group are gone.</summary>
    public Task<int> Exited { get; }

    public static ChildProcess Start(LaunchSpec spec, IReadOnlyDictionary<string, string> environment, Action<string> onLine)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(spec.Command);
        foreach (var argument in spec.Arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new DistributedApplicationException($"Could not start {spec.Command}.");
        return new ChildProcess(process, onLine);
    }

    /// <summary>Signals the whole process group; falls back to the process if it has no group of its own.</summary>
    public void Signal(Signal signal)
    {
        if (kill(-Id, (int)signal) != 0) kill(Id, (int)signal);
    }

    /// <summary>SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task<int> TerminateAsync(TimeSpan grace)
    {
        Signal(Hosting.Signal.SIGTERM);
        try
        {
            return await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Signal(Hosting.Signal.SIGKILL);
            return await Exited;
        }
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        // Stragglers in the group (a shell's background jobs) die with their leader: no orphans.
        kill(-Id, (int)Hosting.Signal.SIGKILL);
        // A grandchild that left the group may still hold the pipes; don't wait on it forever.
        await _pumps.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        var code = _process.ExitCode;
        _process.Dispose();
        return code;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line) onLine(line);
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for one blittable call.
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
