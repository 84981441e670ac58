using System.Globalization;
using Goxec.Jobs;
using Goxec.Worker.Sandbox.Cgroups;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// The driver's own branch of the host's cgroup hierarchy (<c>&lt;root&gt;/&lt;parent&gt;</c>; per controller on
/// v1): every stage gets a fresh group under it with the stage's memory (no swap), pids and CPU quota, made
/// before any process of the stage exists. Works on cgroup v1 (memory, pids, cpu, cpuacct) and v2.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class CgroupTree
{
    /// <summary>The v1 controllers a stage's group is made in (each its own hierarchy, or co-mounted).</summary>
    public static readonly IReadOnlyList<string> V1Controllers = ["memory", "pids", "cpu", "cpuacct"];
    private static readonly string[] V2Controllers = ["memory", "pids", "cpu"];
    private const long CpuPeriodUs = 100_000;

    private CgroupTree(string root, string parent, bool unified) => (Root, Parent, Unified) = (root, parent, unified);

    public string Root { get; }
    public string Parent { get; }

    /// <summary>True on cgroup v2 (one unified tree), false on v1.</summary>
    public bool Unified { get; }

    /// <summary>
    /// Makes the parent group in the hierarchy the host has (<see cref="CgroupHost"/>, detected once for
    /// metering too). On v2 the parent's controllers are enabled from the root down; a root that holds
    /// processes itself (a container's own cgroup namespace) first moves them into a leaf, as the kernel's
    /// no-internal-process rule demands.
    /// </summary>
    public static CgroupTree Open(CgroupHost host, string parent)
    {
        switch (host.Version)
        {
            case CgroupVersion.V2:
                var tree = new CgroupTree(host.Root, parent, unified: true);
                tree.DelegateV2();
                return tree;
            case CgroupVersion.V1 when V1Controllers.All(c => Directory.Exists(Path.Combine(host.Root, c))):
                foreach (var controller in V1Controllers) Directory.CreateDirectory(Path.Combine(host.Root, controller, parent));
                return new CgroupTree(host.Root, parent, unified: false);
            default:
                throw new InvalidOperationException($"{host.Describe()}: the namespace driver needs cgroup v2, or v1 with {string.Join(", ", V1Controllers)}.");
        }
    }

    /// <summary>A fresh group for one stage, its limits set. Throws when it cannot be made (the stage must not run unlimited).</summary>
    public StageCgroup Create(string name, StageLimits limits, double cpus, int ownProcesses)
    {
        var group = Group(name);
        foreach (var directory in group.Directories) Directory.CreateDirectory(directory);
        try
        {
            var memory = limits.MemoryMb * 1024L * 1024;
            var pids = (limits.MaxProcesses + ownProcesses).ToString(CultureInfo.InvariantCulture);
            var quota = ((long)(cpus * CpuPeriodUs)).ToString(CultureInfo.InvariantCulture);
            if (Unified)
            {
                Write(name, "memory.max", memory);
                WriteIfPresent(name, "memory.swap.max", "0");
                Write(name, "pids.max", pids);
                Write(name, "cpu.max", $"{quota} {CpuPeriodUs}");
            }
            else
            {
                Write(name, "memory", "memory.limit_in_bytes", memory);
                // Equal to the memory limit: no swap to hide memory use in (the file exists only with swap accounting).
                WriteIfPresent(name, "memory", "memory.memsw.limit_in_bytes", memory.ToString(CultureInfo.InvariantCulture));
                WriteIfPresent(name, "memory", "memory.swappiness", "0");
                Write(name, "pids", "pids.max", pids);
                Write(name, "cpu", "cpu.cfs_period_us", CpuPeriodUs);
                Write(name, "cpu", "cpu.cfs_quota_us", quota);
            }
            return group;
        }
        catch
        {
            group.TryRemove();
            throw;
        }
    }

    /// <summary>The group of a stage by name, whether or not it exists (for the janitor and for cleaning up).</summary>
    public StageCgroup Group(string name) => new(this, name,
        Unified ? [Path.Combine(Root, Parent, name)] : [.. V1Controllers.Select(c => Path.Combine(Root, c, Parent, name))]);

    /// <summary>The groups under the parent now, with the time each was made (its directory's change time).</summary>
    public IEnumerable<(string Name, DateTime Created)> Groups()
    {
        var parent = Unified ? Path.Combine(Root, Parent) : Path.Combine(Root, "pids", Parent);
        if (!Directory.Exists(parent)) yield break;
        foreach (var directory in Directory.EnumerateDirectories(parent))
            yield return (Path.GetFileName(directory), Directory.GetCreationTimeUtc(directory));
    }

    /// <summary>The group's path relative to the hierarchy root (as readers open it).</summary>
    public string Relative(string name) => $"{Parent}/{name}";

    private void DelegateV2()
    {
        var parent = Path.Combine(Root, Parent);
        try
        {
            EnableControllers(Root);
        }
        catch (IOException)
        {
            // EBUSY: processes live in the root itself. Move them (this worker, in a container of its own) to a leaf.
            var leaf = Path.Combine(Root, Parent + "-worker");
            Directory.CreateDirectory(leaf);
            foreach (var pid in File.ReadAllLines(Path.Combine(Root, "cgroup.procs")).Where(l => l.Length > 0))
            {
                try { File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), pid); }
                catch (IOException) { /* gone, or a kernel thread */ }
            }
            EnableControllers(Root);
        }
        Directory.CreateDirectory(parent);
        EnableControllers(parent);
    }

    private static void EnableControllers(string directory)
    {
        var available = File.ReadAllText(Path.Combine(directory, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = V2Controllers.Except(available).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"cgroup v2 at {directory} does not offer {string.Join(", ", missing)} (not delegated to this worker).");
        File.WriteAllText(Path.Combine(directory, "cgroup.subtree_control"), string.Join(' ', V2Controllers.Select(c => "+" + c)));
    }

    private void Write(string name, string file, object value) => File.WriteAllText(Path.Combine(Root, Parent, name, file), Convert.ToString(value, CultureInfo.InvariantCulture));

    private void Write(string name, string controller, string file, object value) =>
        File.WriteAllText(Path.Combine(Root, controller, Parent, name, file), Convert.ToString(value, CultureInfo.InvariantCulture));

    private void WriteIfPresent(string name, string file, string value)
    {
        var path = Path.Combine(Root, Parent, name, file);
        if (File.Exists(path)) File.WriteAllText(path, value);
    }

    private void WriteIfPresent(string name, string controller, string file, string value)
    {
        var path = Path.Combine(Root, controller, Parent, name, file);
        if (File.Exists(path)) File.WriteAllText(path, value);
    }
}
