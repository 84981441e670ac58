using System.Globalization;
using Goxec.Docker;
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

    public static ContainerCreateRequest Create(LanguageDefinition language, SandboxOptions limits, string jobId, int attempt, string worker, string cluster) => new()
    {
        Image = language.Image,
        // The idle main process ignores SIGINT/SIGTERM, so a user's "signal" reaches only the program.
        Cmd = ["sh", "-c", "trap '' INT TERM HUP; exec sleep infinity"],
        User = limits.User,
        WorkingDir = limits.WorkDir,
        Hostname = "sandbox",
        // Nothing secret is passed; the engine's own environment never reaches the job.
        Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "TMPDIR=/tmp"],
        NetworkDisabled = true,
        Labels = new Dictionary<string, string>
        {
            [JobLabel] = jobId,
            [AttemptLabel] = attempt.ToString(CultureInfo.InvariantCulture),
            [WorkerLabel] = worker,
            [ClusterLabel] = cluster,
        },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = limits.MemoryBytes,
            MemorySwap = limits.MemoryBytes, // equal: no swap to hide memory use in
            MemorySwappiness = 0,
            NanoCpus = (long)(limits.Cpus * 1_000_000_000),
            PidsLimit = limits.PidsLimit,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string>
            {
                [limits.WorkDir] = $"rw,exec,nosuid,nodev,size={limits.WorkDirBytes},uid=1000,gid=1000,mode=0755",
                ["/tmp"] = $"rw,noexec,nosuid,nodev,size={limits.TmpBytes},mode=1777",
            },
            Ulimits =
            [
                new Ulimit("nofile", limits.MaxOpenFiles, limits.MaxOpenFiles),
                new Ulimit("fsize", limits.MaxFileSizeBytes, limits.MaxFileSizeBytes),
                new Ulimit("core", 0, 0),
            ],
            IpcMode = "private",
            Init = true,
            Runtime = string.IsNullOrEmpty(limits.Runtime) ? null : limits.Runtime,
            Privileged = false,
            // Output is read from the attached streams; the engine keeps no log of it.
            LogConfig = new LogConfig("none"),
        },
    };

    /// <summary>One name per job and attempt, so a duplicate start of the same attempt is refused by the engine.</summary>
    public static string Name(string jobId, int attempt) => $"goxec-{jobId}-{attempt}";
}
