using System.Runtime.InteropServices;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>The C library calls .NET has no API for: sending a signal other than SIGKILL to a process that is not our child.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class Posix
{
    public const int SIGKILL = 9;
    public const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends the signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (Kill(pid, signal) == 0) return true;
        var error = Marshal.GetLastPInvokeError();
        return error == ESRCH ? false : throw new IOException($"kill({pid}, {signal}) failed: errno {error}.");
    }
}
