namespace Goxec.Tests.Sandbox.Cgroups;

/// <summary>A copy of one recorded cgroup tree in a temporary directory, whose files a test changes as the kernel would.</summary>
internal sealed class CgroupTree : IDisposable
{
    public const string ContainerId = "9e5fb5f67733aafa8626311b72e244a6ba6a4efa9e1570d51ef33e8d8d2a3235";

    public string Root { get; }

    public CgroupTree(string name)
    {
        Root = Directory.CreateTempSubdirectory("goxec-cgroup-").FullName;
        var source = Path.Combine(AppContext.BaseDirectory, "Sandbox", "Cgroups", "Trees", name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Writes a file of the tree, as the kernel's counters would change, e.g. ("docker/&lt;id&gt;/memory.peak", "123").</summary>
    public void Set(string relative, string content) => File.WriteAllText(Path.Combine(Root, relative), content + "\n");

    public string Get(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
