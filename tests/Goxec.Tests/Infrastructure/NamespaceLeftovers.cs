using Goxec.Worker.Sandbox.Namespaces;

namespace Goxec.Tests.Infrastructure;

/// <summary>
/// What the namespace driver may leave of a job on this host: its stages' cgroups (with or without processes)
/// and its stage files. A finished job must have none.
/// </summary>
public static class NamespaceLeftovers
{
    private static readonly NamespaceOptions Defaults = new();

    public static IReadOnlyList<string> Of(string jobId)
    {
        var left = new List<string>();
        // The pids controller's view on v1, the unified tree on v2: every stage group is there.
        var parent = File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? $"/sys/fs/cgroup/{Defaults.CgroupParent}"
            : $"/sys/fs/cgroup/pids/{Defaults.CgroupParent}";
        if (Directory.Exists(parent))
        {
            foreach (var group in Directory.EnumerateDirectories(parent, $"{jobId}-*"))
            {
                var processes = File.ReadAllLines(Path.Combine(group, "cgroup.procs")).Count(l => l.Length > 0);
                left.Add($"cgroup {group} ({processes} processes)");
            }
        }
        var jobs = Path.Combine(Defaults.StateDirectory, "jobs");
        if (Directory.Exists(jobs)) left.AddRange(Directory.EnumerateDirectories(jobs, $"{jobId}-*").Select(d => $"stage files {d}"));
        return left;
    }

    /// <summary>Processes still in the job's stage cgroups (a killed worker's cgroups stay, empty, until the janitor's pass).</summary>
    public static IReadOnlyList<string> Processes(string jobId) => [.. Of(jobId).Where(l => l.StartsWith("cgroup") && !l.EndsWith("(0 processes)"))];
}
