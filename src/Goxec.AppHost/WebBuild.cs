using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost;

/// <summary>
/// The browser app's build as a resource that runs once: <c>npm ci</c> when node_modules is missing, then
/// <c>npm run build</c>; when dist/ is newer than every source file it only says so, so a restart is fast.
/// The Api waits for it to complete (it serves dist/).
/// </summary>
public static class WebBuild
{
    public static IResourceBuilder<ExecutableResource> AddWebBuild(this IDistributedApplicationBuilder builder, string name, string directory)
    {
        var script = IsUpToDate(directory)
            ? "echo 'dist/ is newer than every source file: nothing to build'"
            : "set -e; [ -d node_modules ] || npm ci --no-audit --no-fund; npm run build";
        return builder.AddExecutable(name, "sh", directory, "-c", script).ExcludeFromManifest();
    }

    /// <summary>dist/ exists and its oldest file is newer than the newest source file.</summary>
    public static bool IsUpToDate(string directory)
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
