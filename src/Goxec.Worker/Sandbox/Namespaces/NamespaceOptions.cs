namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Settings of the namespace driver (section "Sandbox:Namespaces"). The limits, the work dir and its
/// size, the sandbox user and the CPU quota are the shared <see cref="SandboxOptions"/>, so both drivers
/// hold a job to the same rules.
/// </summary>
public sealed class NamespaceOptions
{
    /// <summary>bubblewrap (Debian's <c>bubblewrap</c>); a bare name is looked up on PATH at start-up.</summary>
    public string Bwrap { get; set; } = "bwrap";

    /// <summary>util-linux's setpriv, which drops the stage to its host uid before bubblewrap runs.</summary>
    public string Setpriv { get; set; } = "setpriv";

    /// <summary>util-linux's setsid: a stage leaves the worker's process group, so a signal meant for the worker (Ctrl+C, a graceful SIGTERM to the group) does not end its jobs.</summary>
    public string Setsid { get; set; } = "setsid";

    /// <summary>
    /// coreutils' env, whose <c>--default-signal</c> gives a stage every signal's default handling: a worker started
    /// in the background or under nohup ignores SIGINT, SIGQUIT and SIGHUP, and .NET ignores SIGPIPE, and ignored
    /// signals stay ignored across exec. A container's process starts with defaults; so must a stage's.
    /// </summary>
    public string Env { get; set; } = "env";

    /// <summary>coreutils' chown, which gives the stage's standard streams to its uid (as runc does), so the program can open <c>/dev/stdin</c>.</summary>
    public string Chown { get; set; } = "chown";

    /// <summary>The host shell that puts a stage into its cgroup before anything of it can fork.</summary>
    public string Shell { get; set; } = "/bin/sh";

    /// <summary>Each language image's root filesystem, exported once per image id (a directory per id).</summary>
    public string RootfsDirectory { get; set; } = "/var/cache/goxec/rootfs";

    /// <summary>Root-only working state: the seccomp filter, uid leases, each running stage's files.</summary>
    public string StateDirectory { get; set; } = "/run/goxec/ns";

    /// <summary>
    /// Host uids a stage may run as, one per running job on this host (<see cref="FirstUid"/> up to
    /// <see cref="FirstUid"/> + <see cref="UidCount"/> - 1), leased across every worker of the host. No
    /// real account or container may use them.
    /// </summary>
    public int FirstUid { get; set; } = 2_000_000;
    public int UidCount { get; set; } = 1000;

    /// <summary>The cgroup (relative to the hierarchy's root, per controller on v1) under which every stage gets its own.</summary>
    public string CgroupParent { get; set; } = "goxec";

    /// <summary>
    /// Languages whose root filesystem is exported in the background when the worker starts (comma-separated
    /// ids, or "*" for every language whose image is built). Others are exported by their first job, which
    /// waits for it (seconds per hundred megabytes of image), as does a job whose export is under way.
    /// </summary>
    public string Prewarm { get; set; } = "python";

    public IReadOnlyList<string> PrewarmLanguages => Prewarm.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>How long a language's image id is trusted before the engine is asked again (a rebuilt image is picked up after this).</summary>
    public TimeSpan ImageCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
