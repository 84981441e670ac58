namespace Goxec.Worker.Sandbox;

/// <summary>Linux's signal numbers and names: the signal behind an exit status of 128+n, as the container runtime reports it, and back.</summary>
public static class SignalNames
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP", [6] = "SIGABRT",
        [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
        [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [24] = "SIGXCPU", [25] = "SIGXFSZ", [31] = "SIGSYS",
    };

    /// <summary>Signals that never end a process by themselves (stop, continue, ignored by default): named for sending, never reported as a cause.</summary>
    private static readonly Dictionary<int, string> SendOnly = new()
    {
        [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP", [21] = "SIGTTIN", [22] = "SIGTTOU",
        [23] = "SIGURG", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
    };

    private static readonly Dictionary<string, int> Numbers =
        Names.Concat(SendOnly).ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string? FromExitCode(int? exitCode) =>
        exitCode is > 128 and < 160 && Names.TryGetValue(exitCode.Value - 128, out var name) ? name : null;

    /// <summary>The x86-64/arm64 number of a signal name ("SIGINT" → 2), or null for an unknown name.</summary>
    public static int? ToNumber(string name) => Numbers.TryGetValue(name, out var number) ? number : null;
}
