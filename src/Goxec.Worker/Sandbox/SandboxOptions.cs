using Goxec.Jobs;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// How every container is built and the most any job may get on this worker. Strict defaults;
/// operators may change them (section "Sandbox"). Per-job limits come with the job and are
/// clamped to <see cref="RunCeiling"/> / <see cref="CompileCeiling"/>.
/// </summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>How jobs are isolated: "docker" (a fresh container per job) or "namespaces" (bubblewrap, see Namespaces/).</summary>
    public string Driver { get; set; } = SandboxDrivers.Docker;
    public Namespaces.NamespaceOptions Namespaces { get; set; } = new();

    /// <summary>CPU quota of the container in cores (NanoCpus): a job cannot starve its neighbours.</summary>
    public double Cpus { get; set; } = 1.0;
    public string WorkDir { get; set; } = "/box";
    /// <summary>Size of the tmpfs work dir; its pages also count against the job's memory.</summary>
    public long WorkDirBytes { get; set; } = 64L * 1024 * 1024;
    public long TmpBytes { get; set; } = 16L * 1024 * 1024;
    /// <summary>uid:gid every stage runs as; never root. The idle process that keeps the container up is root so user code cannot signal it.</summary>
    public string User { get; set; } = "1000:1000";
    /// <summary>The whole run of an interactive job (a person is typing), however idle.</summary>
    public TimeSpan InteractiveWallTime { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxOpenFiles { get; set; } = 256;
    /// <summary>An OCI runtime such as "runsc" (gVisor); empty for the engine's default (runc, shared kernel).</summary>
    public string? Runtime { get; set; }

    /// <summary>
    /// gVisor ("runsc…"): jobs run on a kernel in user space (the Sentry), which lives in the container's cgroup.
    /// Its threads count against the cgroup's pids limit, so processes are capped by RLIMIT_NPROC (which gVisor
    /// enforces inside the sandbox) and the cgroup only gets a backstop; runsc cannot change a running container's
    /// resources, so the container gets its largest stage's memory from the start; and a cgroup OOM kill ends the whole sandbox.
    /// </summary>
    public bool UserSpaceKernel => Runtime?.StartsWith("runsc", StringComparison.Ordinal) == true;

    /// <summary>Operator ceilings: a job's limits (from the queue) are clamped to these, whatever the Api allowed.</summary>
    public StageLimits RunCeiling { get; set; } = StageLimits.RunMaxima;
    public StageLimits CompileCeiling { get; set; } = StageLimits.CompileMaxima;

    /// <summary>cgroup v1 hierarchy root and the engine's parent group (cgroupfs driver: "docker").</summary>
    public string CgroupRoot { get; set; } = "/sys/fs/cgroup";
    public string CgroupParent { get; set; } = "docker";
    /// <summary>How often the host samples a running stage's CPU time to stop it on overrun.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMilliseconds(50);
    /// <summary>prlimit in the image (util-linux, essential in Debian): sets RLIMIT_CPU/FSIZE/NOFILE/CORE per stage.</summary>
    public string Prlimit { get; set; } = "/usr/bin/prlimit";
    /// <summary>Wall time for delivering the files.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public PoolOptions Pool { get; set; } = new();

    /// <summary>The longest any job can keep its container: upload, compile and the longest run, with a minute to spare.</summary>
    public TimeSpan MaxContainerLifetime =>
        UploadTimeout + TimeSpan.FromMilliseconds(CompileCeiling.WallTimeMs)
        + TimeSpan.FromMilliseconds(Math.Max(RunCeiling.WallTimeMs, InteractiveWallTime.TotalMilliseconds)) + TimeSpan.FromMinutes(1);
}

public static class SandboxDrivers
{
    public const string Docker = "docker";
    public const string Namespaces = "namespaces";

    public static bool IsKnown(string? driver) => driver is Docker or Namespaces;
}
