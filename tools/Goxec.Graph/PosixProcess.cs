using System.Runtime.InteropServices;

namespace Goxec.Graph;

/// <summary>Linux signal numbers; <see cref="PosixSignal"/> has no SIGKILL.</summary>
public enum Signal { SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19 }

/// <summary>Signals for the graph's processes, as a crash or an operator would send them.</summary>
public static class PosixProcess
{
    /// <summary>Alive means present in /proc and not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static void Kill(int pid, Signal signal)
    {
        if (kill(pid, (int)signal) != 0 && IsAlive(pid))
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for one blittable call.
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
