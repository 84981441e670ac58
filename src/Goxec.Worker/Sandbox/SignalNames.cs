namespace Goxec.Worker.Sandbox;

/// <summary>Names the signal behind an exit status of 128+n, as the container runtime reports it.</summary>
public static class SignalNames
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP", [6] = "SIGABRT",
        [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
        [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [24] = "SIGXCPU", [25] = "SIGXFSZ", [31] = "SIGSYS",
    };

    public static string? FromExitCode(int? exitCode) =>
        exitCode is > 128 and < 160 && Names.TryGetValue(exitCode.Value - 128, out var name) ? name : null;
}
