using System.Globalization;
using Goxec.Docker;
using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// The hardened shape of every job container. Each field is set on purpose; the container idles
/// under an init process and each stage runs as an exec inside it, so stages get their own
/// output and exit code while sharing one throwaway filesystem.
/// </summary>
public static class ContainerSpecFactory
{
    public const string JobLabel = "goxec.job";
    public const string AttemptLabel = "goxec.attempt";
    public const string WorkerLabel = "goxec.worker";
    public const string ClusterLabel = "goxec.cluster";
    /// <summary>On an idle warm container: the language it waits for. Labels cannot change, so a taken one keeps it; its name says whose job it runs.</summary>
    public const string PoolLabel = "goxec.pool";

    /// <summary>Every stage's environment besides the image's own (these win): nothing secret, nothing of the engine's or the worker's.</summary>
    public static readonly IReadOnlyList<string> Environment =
        ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "TMPDIR=/tmp"];

    /// <summary>The host name every sandbox has.</summary>
    public const string Hostname = "sandbox";

    /// <summary>The init (which reaps orphans) and the idle process: ours, not the job's, so they do not count against its processes.</summary>
    public const int OwnProcesses = 2;

    /// <param name="first">The first stage's limits (compile, or run for interpreted languages); later stages update memory and pids.</param>
    /// <param name="stages">Every stage's limits: the container's rlimits must leave room for each stage's own, lower ones.</param>
    public static ContainerCreateRequest Create(LanguageDefinition language, SandboxOptions options, StageLimits first, IReadOnlyList<StageLimits> stages,
        string jobId, int attempt, string worker, string cluster) =>
        Build(language.Image, options, options.UserSpaceKernel ? Initial(stages, options) : Resources(first, options), stages, options.MaxContainerLifetime,
            new Dictionary<string, string>
        {
            [JobLabel] = jobId,
            [AttemptLabel] = attempt.ToString(CultureInfo.InvariantCulture),
            [WorkerLabel] = worker,
            [ClusterLabel] = cluster,
        });

    /// <summary>
    /// An idle container for the warm pool: the same hardening as <see cref="Create"/>, built from the
    /// exact image id it was checked against, with rlimits at this worker's ceilings (every stage lowers
    /// them with prlimit, as in a fresh container) and memory and pids of the default first stage
    /// (<see cref="WarmFirstStage"/>); a take sets the job's own with the Engine's update call unless they are the same.
    /// </summary>
    public static ContainerCreateRequest CreateWarm(LanguageDefinition language, SandboxOptions options, string imageId, string worker, string cluster)
    {
        StageLimits[] ceilings = language.Compiled ? [options.CompileCeiling, options.RunCeiling] : [options.RunCeiling];
        // It may idle for MaxIdle (plus a check's delay) before its job begins.
        var lifetime = options.MaxContainerLifetime + options.Pool.MaxIdle + 2 * options.Pool.CheckInterval;
        return Build(imageId, options, Initial(WarmStages(language, options), options), ceilings, lifetime, new Dictionary<string, string>
        {
            [PoolLabel] = language.Id,
            [WorkerLabel] = worker,
            [ClusterLabel] = cluster,
        });
    }

    /// <summary>The first stage most jobs of the language bring: the defaults, within this worker's ceilings.</summary>
    public static StageLimits WarmFirstStage(LanguageDefinition language, SandboxOptions options) => WarmStages(language, options)[0];

    /// <summary>The stages most jobs of the language bring: the defaults, within this worker's ceilings.</summary>
    public static StageLimits[] WarmStages(LanguageDefinition language, SandboxOptions options) => language.Compiled
        ? [StageLimits.CompileDefaults.AtMost(options.CompileCeiling), StageLimits.RunDefaults.AtMost(options.RunCeiling)]
        : [StageLimits.RunDefaults.AtMost(options.RunCeiling)];

    /// <summary>
    /// A container's memory and pids when it starts: the first stage's (later stages are applied with the Engine's
    /// update call), or under gVisor, which cannot update a running container, the largest stage's.
    /// </summary>
    public static ContainerUpdateRequest Initial(IReadOnlyList<StageLimits> stages, SandboxOptions options) => options.UserSpaceKernel
        ? Resources(new StageLimits { MemoryMb = stages.Max(s => s.MemoryMb), MaxProcesses = stages.Max(s => s.MaxProcesses) }, options)
        : Resources(stages[0], options);

    private static ContainerCreateRequest Build(string image, SandboxOptions options, ContainerUpdateRequest resources, IReadOnlyList<StageLimits> stages,
        TimeSpan lifetime, Dictionary<string, string> labels) => new()
    {
        Image = image,
        // Not "infinity": should its worker and whole deployment vanish, the container still stops
        // by itself once no job could possibly be running in it any more.
        Cmd = ["sleep", ((long)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
        // The idle process runs as root (with no capabilities) only so that user code, which every
        // exec runs as options.User, cannot signal it away with kill(-1); it never runs job input.
        User = "0:0",
        WorkingDir = options.WorkDir,
        Hostname = Hostname,
        // Nothing secret is passed; the engine's own environment never reaches the job.
        Env = [.. Environment],
        NetworkDisabled = true,
        Labels = labels,
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = resources.Memory,
            MemorySwap = resources.MemorySwap, // equal: no swap to hide memory use in
            MemorySwappiness = 0,
            NanoCpus = (long)(options.Cpus * 1_000_000_000),
            PidsLimit = resources.PidsLimit,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string>
            {
                [options.WorkDir] = $"rw,exec,nosuid,nodev,size={options.WorkDirBytes},uid=1000,gid=1000,mode=0755",
                ["/tmp"] = $"rw,noexec,nosuid,nodev,size={options.TmpBytes},mode=1777",
            },
            // Container-wide ceilings; each stage lowers them further with prlimit (StageRunner).
            Ulimits =
            [
                new Ulimit("nofile", options.MaxOpenFiles, options.MaxOpenFiles),
                new Ulimit("fsize", stages.Max(s => s.MaxFileSizeKb * 1024L), stages.Max(s => s.MaxFileSizeKb * 1024L)),
                new Ulimit("core", 0, 0),
                new Ulimit("cpu", StageRlimits.CpuCeilingSeconds(stages), StageRlimits.CpuCeilingSeconds(stages)),
                // gVisor counts a uid's processes in its own kernel: the job's process limit (runc's would count the host's).
                .. options.UserSpaceKernel ? [new Ulimit("nproc", stages.Max(s => s.MaxProcesses), stages.Max(s => s.MaxProcesses))] : (Ulimit[])[],
            ],
            IpcMode = "private",
            Init = true,
            Runtime = string.IsNullOrEmpty(options.Runtime) ? null : options.Runtime,
            Privileged = false,
            // Output is read from the attached streams; the engine keeps no log of it.
            LogConfig = new LogConfig("none"),
        },
    };

    /// <summary>The resources of a later stage, applied with the Engine's update call before it starts.</summary>
    public static ContainerUpdateRequest Resources(StageLimits stage, SandboxOptions? options = null) => new()
    {
        Memory = MemoryBytes(stage),
        MemorySwap = MemoryBytes(stage),
        // Under gVisor the cgroup also holds the Sentry's threads and a stub process per job process (ptrace
        // platform): RLIMIT_NPROC caps the job, and this only backstops the sandbox as a whole.
        PidsLimit = options?.UserSpaceKernel == true ? stage.MaxProcesses * 4L + 256 : stage.MaxProcesses + OwnProcesses,
    };

    private static long MemoryBytes(StageLimits stage) => stage.MemoryMb * 1024L * 1024;

    /// <summary>One name per job and attempt, so a duplicate start of the same attempt is refused by the engine.</summary>
    public static string Name(string jobId, int attempt) => $"goxec-{jobId}-{attempt}";

    /// <summary>An idle pool container's name until a job takes (and renames) it.</summary>
    public static string WarmName(string language) => $"goxec-pool-{language}-{Guid.NewGuid():N}";
}
