using System.Diagnostics;
using System.Globalization;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// The command line of one stage, from the worker down to the program:
/// <list type="number">
/// <item>the host shell (root) writes its own pid into the stage's cgroup — so everything after it is
/// counted and limited from its first instruction — opens the stage's files as descriptors 3–6, sets the
/// sandbox-wide rlimit ceilings and gives the stage's standard streams (the worker's pipes) to the job's uid;</item>
/// <item>env resets every signal to its default handling (the worker's ignored ones would be inherited), setsid takes the stage out of the worker's process group (a signal to the worker's group — Ctrl+C, a
/// graceful stop — is not the job's), and setpriv drops to the job's host uid, with no capabilities, no
/// supplementary groups and no_new_privs;</item>
/// <item>bubblewrap makes fresh user, pid, mount, ipc, uts, network and cgroup namespaces, binds the image's
/// root read-only, mounts a fresh /proc, a minimal /dev and size-capped tmpfs work dir and /tmp, and loads
/// the seccomp filter just before the stage's shell starts;</item>
/// <item>the image's shell unpacks the files (fd 3) into the work dir, says so on fd 5, and execs the
/// program through prlimit; a compile stage instead runs it and then packs the work dir onto fd 4 for the
/// run stage.</item>
/// </list>
/// Descriptors: 3 the files in (a tar), 4 the work dir out (compile only), 5 the stage's markers, 6 the filter.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SandboxCommand
{
    /// <summary>Set when a stage's shell has unpacked its files: what comes after is the program's.</summary>
    public const string Unpacked = "unpacked";

    /// <summary>Set when a compile stage has packed its work dir for the run stage.</summary>
    public const string Packed = "packed";

    /// <summary>The host shell's exit code when it could not set the stage up (cgroup, descriptors, limits).</summary>
    public const int SetupFailed = 125;

    private const string HostScript = """
        while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift
        exec 3<"$1" 4>"$2" 5>"$3" 6<"$4" || exit 125; shift 4
        ulimit -c 0 && ulimit -n "$1" && ulimit -t "$2" && ulimit -f "$3" || exit 125; shift 3
        "$1" "$2:$2" /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 || exit 125; shift 2
        unset PWD OLDPWD
        exec "$@"
        """;

    private const string StageScript = """
        pack=$1 merge=$2; shift 2
        tar -x -f - <&3 || exit 125
        exec 3<&-
        echo unpacked >&5
        unset PWD OLDPWD
        if [ "$pack" = 0 ]; then
          exec 4>&- 5>&-
          if [ "$merge" = 1 ]; then exec "$@" 2>&1; fi
          exec "$@"
        fi
        if [ "$merge" = 1 ]; then "$@" 2>&1 4>&- 5>&-; else "$@" 4>&- 5>&-; fi
        rc=$?
        tar -c -f - . >&4 && echo packed >&5
        exit $rc
        """;

    /// <param name="Uid">The job's host uid (outside every namespace).</param>
    /// <param name="SandboxUser">uid:gid inside the sandbox (<see cref="SandboxOptions.User"/>).</param>
    /// <param name="Rootfs">The image's exported root filesystem.</param>
    /// <param name="Env">The stage's whole environment ("KEY=value").</param>
    /// <param name="ProcsFiles">The stage cgroup's cgroup.procs files.</param>
    /// <param name="FilesIn">The tar unpacked into the work dir.</param>
    /// <param name="FilesOut">Where a compile stage packs its work dir; null for a run stage.</param>
    /// <param name="Markers">The file the stage's shell writes its markers to.</param>
    /// <param name="Seccomp">The compiled filter.</param>
    /// <param name="FileSizeCeiling">RLIMIT_FSIZE of the whole sandbox (its shell and tar too); the program gets its own, lower one.</param>
    /// <param name="CpuCeilingSeconds">RLIMIT_CPU of the whole sandbox.</param>
    /// <param name="Argv">The program's argv, already wrapped in prlimit.</param>
    public sealed record Stage(int Uid, string SandboxUser, string Rootfs, IReadOnlyList<string> Env, IReadOnlyList<string> ProcsFiles,
        string FilesIn, string? FilesOut, string Markers, string Seccomp, long FileSizeCeiling, long CpuCeilingSeconds, bool MergeStderr,
        IReadOnlyList<string> Argv);

    /// <summary>The process to start: the host shell, then setpriv, bubblewrap and the stage's shell.</summary>
    public static ProcessStartInfo Build(NamespaceOptions tools, SandboxOptions sandbox, Stage stage)
    {
        var start = new ProcessStartInfo(tools.Shell)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        // Nothing of the worker's environment reaches the sandbox, not even through /proc/1/environ of its init.
        start.Environment.Clear();
        foreach (var argument in Arguments(tools, sandbox, stage)) start.ArgumentList.Add(argument);
        return start;
    }

    public static IEnumerable<string> Arguments(NamespaceOptions tools, SandboxOptions sandbox, Stage stage)
    {
        var (uid, gid) = ParseUser(stage.SandboxUser);
        var workDir = sandbox.WorkDir;
        string[] host =
        [
            "-c", HostScript, "goxec-stage", .. stage.ProcsFiles, "--",
            stage.FilesIn, stage.FilesOut ?? "/dev/null", stage.Markers, stage.Seccomp,
            Number(sandbox.MaxOpenFiles), Number(stage.CpuCeilingSeconds), Number((stage.FileSizeCeiling + 511) / 512),
            tools.Chown, Number(stage.Uid),
        ];
        string[] setpriv =
        [
            tools.Env, "--default-signal", tools.Setsid, tools.Setpriv, $"--reuid={stage.Uid}", $"--regid={stage.Uid}", "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--",
        ];
        List<string> bwrap =
        [
            tools.Bwrap,
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
            "--disable-userns", "--uid", uid, "--gid", gid, "--hostname", ContainerSpecFactory.Hostname,
            "--ro-bind", stage.Rootfs, "/",
            "--dev", "/dev",
            "--perms", "1777", "--size", Number(sandbox.TmpBytes), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev",
            "--proc", "/proc",
            "--perms", "0755", "--size", Number(sandbox.WorkDirBytes), "--tmpfs", workDir,
            "--perms", "1777", "--size", Number(sandbox.TmpBytes), "--tmpfs", "/tmp",
            "--chdir", workDir,
            "--clearenv",
        ];
        foreach (var variable in stage.Env)
        {
            var equals = variable.IndexOf('=');
            if (equals > 0) bwrap.AddRange(["--setenv", variable[..equals], variable[(equals + 1)..]]);
        }
        bwrap.AddRange(["--new-session", "--die-with-parent", "--seccomp", "6", "--",
            "/bin/sh", "-c", StageScript, "goxec-stage", stage.FilesOut is null ? "0" : "1", stage.MergeStderr ? "1" : "0"]);
        return [.. host, .. setpriv, .. bwrap, .. stage.Argv];
    }

    /// <summary>The image's environment with the sandbox's own on top, as a container gets it (keys of the later win), plus its host name.</summary>
    public static IReadOnlyList<string> Environment(IReadOnlyList<string> image)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in image.Concat(ContainerSpecFactory.Environment).Append($"HOSTNAME={ContainerSpecFactory.Hostname}"))
        {
            var equals = variable.IndexOf('=');
            if (equals > 0) merged[variable[..equals]] = variable;
        }
        return [.. merged.Values];
    }

    private static (string Uid, string Gid) ParseUser(string user)
    {
        var parts = user.Split(':');
        return (parts[0], parts.Length > 1 ? parts[1] : parts[0]);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
