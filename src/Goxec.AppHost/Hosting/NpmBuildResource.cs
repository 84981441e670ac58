namespace Goxec.Hosting;

/// <summary>
/// A one-shot front-end build: <c>npm ci</c> when node_modules is missing, then <c>npm run build</c>.
/// Skipped when switched off or when dist/ is newer than every source file, so a restart is fast.
/// </summary>
public sealed class NpmBuildResource(string name, string directory)
    : ExecutableResource(name, "sh", ["-c", "set -e; [ -d node_modules ] || npm ci; npm run build"], directory)
{
    internal string? SkipBecause { get; set; }

    internal override string? SkipReason() =>
        SkipBecause
        ?? (!File.Exists(Path.Combine(WorkingDirectory, "package.json")) ? $"no package.json in {WorkingDirectory}" : null)
        ?? (IsUpToDate(WorkingDirectory) ? "dist is up to date" : null);

    internal override void Validate()
    {
        if (ResolveCommand("npm") is null)
            throw new DistributedApplicationException($"Resource '{Name}': npm was not found on PATH (apt-get install npm).");
        base.Validate();
    }

    /// <summary>dist/ exists and its oldest file is newer than the newest source file.</summary>
    internal static bool IsUpToDate(string directory)
    {
        var dist = Path.Combine(directory, "dist");
        if (!Directory.Exists(dist)) return false;
        var oldestOutput = Files(dist).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Min();
        var newestSource = Files(directory).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
        return oldestOutput > newestSource;
    }

    // Walks sources only: node_modules is huge and dist is the output being judged.
    private static IEnumerable<string> Files(string directory) =>
        Directory.EnumerateFiles(directory).Concat(
            Directory.EnumerateDirectories(directory)
                .Where(d => Path.GetFileName(d) is not ("node_modules" or "dist") && !Path.GetFileName(d).StartsWith('.'))
                .SelectMany(Files));
}

public static class NpmBuildResourceExtensions
{
    /// <summary>Adds a front-end build; <paramref name="path"/> is relative to the repository root.</summary>
    public static IResourceBuilder<NpmBuildResource> AddNpmBuild(this IDistributedApplicationBuilder builder, string name, string path)
    {
        var resource = new NpmBuildResource(name, Path.GetFullPath(Path.Combine(builder.RepositoryRoot, path))) { IsOneShot = true };
        return builder.AddResource(resource).WithStartupTimeout(TimeSpan.FromMinutes(10));
    }

    public static IResourceBuilder<NpmBuildResource> SkipWhen(this IResourceBuilder<NpmBuildResource> builder, bool skip, string reason)
    {
        if (skip) builder.Resource.SkipBecause = reason;
        return builder;
    }
}
