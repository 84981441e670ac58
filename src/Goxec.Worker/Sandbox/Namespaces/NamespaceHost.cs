using Goxec.Docker;
using Goxec.Worker.Sandbox.Cgroups;
using Microsoft.Extensions.Options;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// What the namespace driver needs from this host, set up once: the tools (absolute paths), a root-only
/// state directory, the compiled seccomp filter, the driver's cgroup branch, the uid leases, the root
/// filesystem cache and the spawner thread. When any of it is missing the driver fails every job with a
/// message saying what (an infrastructure fault, retried and then dead-lettered) and /health says so.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NamespaceHost : IDisposable
{
    private readonly Lazy<Setup> _setup;

    public NamespaceHost(IDockerClient docker, CgroupHost cgroups, IOptions<SandboxOptions> options, ILogger<NamespaceHost> logger)
    {
        Options = options.Value;
        CgroupHost = cgroups;
        _setup = new Lazy<Setup>(() => Create(docker, cgroups, Options, logger));
    }

    /// <summary>The host's cgroup hierarchy, for reading a stage's usage.</summary>
    internal CgroupHost CgroupHost { get; }

    public SandboxOptions Options { get; }

    internal NamespaceOptions Tools => _setup.Value.Tools;
    internal string SeccompFile => _setup.Value.Seccomp;
    internal CgroupTree Cgroups => _setup.Value.Cgroups;
    internal HostUids Uids => _setup.Value.Uids;
    internal RootfsCache Rootfs => _setup.Value.Rootfs;
    internal ProcessSpawner Spawner => _setup.Value.Spawner;
    internal string JobsDirectory => Path.Combine(_setup.Value.Tools.StateDirectory, "jobs");

    /// <summary>The start-up export of the prewarmed languages' root filesystems; null until it has begun.</summary>
    internal volatile string? Prewarming = "not started";

    /// <summary>Null when the host is ready; otherwise what is missing.</summary>
    public string? Problem
    {
        get
        {
            try
            {
                _ = _setup.Value;
                return null;
            }
            catch (Exception e)
            {
                return e.Message;
            }
        }
    }

    /// <summary>Sets the host up now (a start-up check), or throws <see cref="SandboxException"/> saying what is missing.</summary>
    internal void EnsureReady()
    {
        if (Problem is { } problem) throw new SandboxException($"The namespace sandbox cannot run on this host: {problem}");
    }

    private static Setup Create(IDockerClient docker, CgroupHost cgroupHost, SandboxOptions options, ILogger logger)
    {
        var configured = options.Namespaces;
        var tools = new NamespaceOptions
        {
            Bwrap = Executable(configured.Bwrap, "bubblewrap is missing (Debian: apt-get install bubblewrap)"),
            Setpriv = Executable(configured.Setpriv, "setpriv is missing (Debian: util-linux)"),
            Setsid = Executable(configured.Setsid, "setsid is missing (Debian: util-linux)"),
            Env = Executable(configured.Env, "env is missing (Debian: coreutils)"),
            Chown = Executable(configured.Chown, "chown is missing (Debian: coreutils)"),
            Shell = Executable(configured.Shell, "no host shell"),
            RootfsDirectory = configured.RootfsDirectory,
            StateDirectory = configured.StateDirectory,
            FirstUid = configured.FirstUid,
            UidCount = configured.UidCount,
            CgroupParent = configured.CgroupParent,
            ImageCheckInterval = configured.ImageCheckInterval,
            Prewarm = configured.Prewarm,
        };
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(tools.StateDirectory, OwnerOnly);
        File.SetUnixFileMode(tools.StateDirectory, OwnerOnly);
        Directory.CreateDirectory(Path.Combine(tools.StateDirectory, "jobs"), OwnerOnly);
        // The bind source must be reachable by the stage's uid (bubblewrap mounts it as that uid).
        Directory.CreateDirectory(tools.RootfsDirectory, OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var seccomp = SeccompFilter.Export(Path.Combine(tools.StateDirectory, "seccomp.bpf"));
        var cgroups = CgroupTree.Open(cgroupHost, tools.CgroupParent);
        logger.LogInformation("Namespace sandbox ready: {Bwrap}, cgroup {Version} under {Root}/{Parent}, uids {First}+{Count}, root filesystems in {Rootfs}",
            tools.Bwrap, cgroups.Unified ? "v2" : "v1", options.CgroupRoot, tools.CgroupParent, tools.FirstUid, tools.UidCount, tools.RootfsDirectory);
        return new Setup(tools, seccomp, cgroups, new HostUids(Path.Combine(tools.StateDirectory, "uids"), tools.FirstUid, tools.UidCount),
            new RootfsCache(docker, tools, logger), new ProcessSpawner());
    }

    private static string Executable(string name, string missing)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : throw new InvalidOperationException($"{missing}: {name} does not exist.");
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException(missing + ".");
    }

    public void Dispose()
    {
        if (_setup.IsValueCreated && Problem is null) _setup.Value.Spawner.Dispose();
    }

    private sealed record Setup(NamespaceOptions Tools, string Seccomp, CgroupTree Cgroups, HostUids Uids, RootfsCache Rootfs, ProcessSpawner Spawner);
}
