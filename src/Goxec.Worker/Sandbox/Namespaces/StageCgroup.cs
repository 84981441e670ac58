using System.Globalization;

namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// One stage's cgroup: its processes join it (through <see cref="ProcsFiles"/>) before they can fork, and it
/// is how the host signals, kills and finally removes every process of the stage, however they forked.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class StageCgroup(CgroupTree tree, string name, IReadOnlyList<string> directories)
{
    public string Name => name;

    /// <summary>The group's directories: one per v1 controller, one on v2.</summary>
    public IReadOnlyList<string> Directories => directories;

    /// <summary>The group's path relative to the hierarchy root, as a cgroup reader opens it.</summary>
    public string Relative => tree.Relative(name);

    /// <summary>Where a process writes its own pid to join: one file per v1 controller, one on v2.</summary>
    public IReadOnlyList<string> ProcsFiles => [.. directories.Select(d => Path.Combine(d, "cgroup.procs"))];

    /// <summary>The pids controller's view (v1) or the group (v2): every process of the stage.</summary>
    private string Members => Path.Combine(tree.Unified ? directories[0] : directories[CgroupTree.V1Controllers.ToList().IndexOf("pids")], "cgroup.procs");

    public bool Exists => directories.Any(Directory.Exists);

    public IReadOnlyList<int> Processes()
    {
        try
        {
            return [.. File.ReadAllLines(Members).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Sends a signal to the stage's own processes: all of the group but <paramref name="launcher"/> (the
    /// sandbox's outer process on the host) and its child, the sandbox's init. Returns how many were signalled.
    /// </summary>
    public int SignalProgram(int signal, int launcher)
    {
        var signalled = 0;
        foreach (var pid in Processes())
        {
            if (pid == launcher || ParentOf(pid) == launcher) continue;
            if (Posix.Signal(pid, signal)) signalled++;
        }
        return signalled;
    }

    /// <summary>
    /// Kills every process of the group and waits until none is left (or <paramref name="within"/> passes).
    /// A pid namespace dies with its init, and anything that was still forking is caught on the next pass.
    /// </summary>
    public async Task<bool> KillAllAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var left = Processes();
            if (left.Count == 0) return true;
            foreach (var pid in left) Posix.Signal(pid, Posix.SIGKILL);
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(5);
        }
    }

    /// <summary>Kills what is left and removes the group. False when it could not be removed (it is then left to the janitor).</summary>
    public async Task<bool> RemoveAsync(TimeSpan within)
    {
        await KillAllAsync(within);
        var until = DateTime.UtcNow + within;
        while (!TryRemove())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(10);
            await KillAllAsync(TimeSpan.FromMilliseconds(100));
        }
        return true;
    }

    /// <summary>Removes the group's directories; false while a process is still in it (EBUSY).</summary>
    public bool TryRemove()
    {
        var removed = true;
        foreach (var directory in directories)
        {
            try { Directory.Delete(directory); }
            catch (DirectoryNotFoundException) { }
            catch (IOException) { removed = false; }
        }
        return removed;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
