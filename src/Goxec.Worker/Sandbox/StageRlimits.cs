using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// A stage's per-process limits, set by prlimit (util-linux, in every runtime image) just before the
/// program starts. The soft CPU limit sits a second above the stage's: the host normally stops the stage
/// first, at millisecond precision and for all its processes together; the rlimit is the backstop.
/// </summary>
public static class StageRlimits
{
    public static string[] Wrap(SandboxOptions options, StageLimits limits, IReadOnlyList<string> argv)
    {
        var cpuSeconds = (limits.CpuTimeMs + 999) / 1000 + 1;
        var fileBytes = limits.MaxFileSizeKb * 1024L;
        return
        [
            options.Prlimit, $"--cpu={cpuSeconds}:{cpuSeconds + 1}", $"--fsize={fileBytes}:{fileBytes}",
            $"--nofile={options.MaxOpenFiles}:{options.MaxOpenFiles}", "--core=0:0",
            // gVisor counts the sandbox user's processes in its own kernel; runc's RLIMIT_NPROC would count the whole host's.
            .. options.UserSpaceKernel ? [$"--nproc={limits.MaxProcesses}:{limits.MaxProcesses}"] : (string[])[],
            "--", .. argv,
        ];
    }

    /// <summary>The hard CPU ceiling (seconds) of a sandbox whose stages have these limits: room for each stage's own.</summary>
    public static long CpuCeilingSeconds(IEnumerable<StageLimits> stages) => stages.Max(s => s.CpuTimeMs) / 1000 + 3;
}
