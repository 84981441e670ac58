using System.Runtime.InteropServices;

namespace Goxec.Graph;

/// <summary>Linux signal numbers; <see cref="PosixSignal"/> has no SIGKILL.</summary>
public enum Signal { SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19 }

/// <summary>
/// The orchestrator starts a project as <c>dotnet run</c>, which starts the program as its child: a
/// crash test must hit the program, as a real crash would, and <c>dotnet run</c> then exits with it.
/// </summary>
public static class ProcessTree
{
    /// <summary>
    /// The program a launched process stands for: <c>dotnet run</c>'s only child once it has started it (null
    /// before), and any other process itself.
    /// </summary>
    public static int? AppOf(int pid)
    {
        var children = Children(pid);
        if (children.Count == 1) return children[0];
        return IsDotnetRun(pid) ? null : pid;
    }

    private static bool IsDotnetRun(int pid)
    {
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return args.Length > 1 && Path.GetFileName(args[0]) == "dotnet" && args[1] == "run";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return children;
    }

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
