namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// The host's cgroup hierarchy, detected once at start-up from what is mounted at <see cref="Root"/>: v2 when
/// the root is the unified tree (it has cgroup.controllers), v1 when per-controller trees are there (a hybrid
/// host, whose v2 tree has no controllers, counts as v1), none otherwise. Finds a container's group in it.
/// </summary>
public sealed class CgroupHost(CgroupVersion? version, string root, bool peakResettable)
{
    public CgroupVersion? Version => version;
    public string Root => root;

    /// <summary>Whether writing memory.peak resets it (cgroup v2 on Linux 6.12+).</summary>
    public bool PeakResettable => peakResettable;

    public static CgroupHost Detect(string root = "/sys/fs/cgroup", string? kernelRelease = null)
    {
        kernelRelease ??= CgroupFile.ReadText("/proc/sys/kernel/osrelease")?.Trim();
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
            return new CgroupHost(CgroupVersion.V2, root, KernelAtLeast(kernelRelease, 6, 12));
        if (Directory.Exists(Path.Combine(root, "memory")) || Directory.Exists(Path.Combine(root, "cpuacct")))
            return new CgroupHost(CgroupVersion.V1, root, false);
        return new CgroupHost(null, root, false);
    }

    /// <summary>
    /// A container's group: "&lt;parent&gt;/&lt;id&gt;" with the engine's cgroupfs driver, or a systemd scope
    /// ("system.slice/docker-&lt;id&gt;.scope", or under the given parent slice). Null when none exists.
    /// </summary>
    public Cgroup? FindContainer(string containerId, string parent = "docker")
    {
        foreach (var relative in (string[])[$"{parent}/{containerId}", $"{parent}/docker-{containerId}.scope", $"system.slice/docker-{containerId}.scope"])
            if (Open(relative) is { } group) return group;
        return null;
    }

    /// <summary>The group at a path relative to the hierarchy's root (per controller on v1), or null when it does not exist.</summary>
    public Cgroup? Open(string relative) => version switch
    {
        CgroupVersion.V1 when new CgroupV1(root, relative) is { Exists: true } v1 => v1,
        CgroupVersion.V2 when new CgroupV2(Path.Combine(root, relative), peakResettable) is { Exists: true } v2 => v2,
        _ => null,
    };

    public string Describe() => version switch
    {
        CgroupVersion.V1 => $"cgroup v1 under {root}",
        CgroupVersion.V2 => $"cgroup v2 at {root} (memory.peak {(peakResettable ? "reset per stage" : "not resettable before Linux 6.12: later stages exact only when they raise it")})",
        _ => $"no cgroup hierarchy at {root}",
    };

    internal static bool KernelAtLeast(string? release, int major, int minor)
    {
        // "6.12.0-1-amd64", "5.15.0-91-generic"
        var parts = (release ?? "").Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b) && (a > major || (a == major && b >= minor));
    }
}
