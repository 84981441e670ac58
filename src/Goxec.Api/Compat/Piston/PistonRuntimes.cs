using System.Text.RegularExpressions;
using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Api.Compat.Piston;

/// <summary>
/// Goxec's languages as Piston runtimes. A runtime's version is the semver found in its image's
/// <c>goxec.version</c> label; Piston clients pin versions, so a language whose image has not been
/// seen by a worker yet is listed as <c>0.0.0</c> and still answers to <c>"*"</c>.
/// </summary>
internal sealed partial class PistonRuntimes(LanguageCatalog catalog, ClusterStore cluster)
{
    public async Task<IReadOnlyList<PistonRuntime>> AllAsync(CancellationToken ct)
    {
        var labels = await cluster.VersionsAsync(ct);
        return [.. catalog.All.Select(l => new PistonRuntime(l,
            labels.TryGetValue(l.Id, out var label) && Semver().Match(label) is { Success: true } m ? m.Value : "0.0.0"))];
    }

    /// <summary>The runtime for a name or alias and a version: exact, <c>*</c>, or a prefix such as <c>3</c> or <c>3.12</c>.</summary>
    public async Task<PistonRuntime?> FindAsync(string language, string version, CancellationToken ct)
    {
        if (catalog.Find(language) is not { } found) return null;
        var runtime = (await AllAsync(ct)).Single(r => r.Language == found);
        var v = version.Trim().TrimStart('v', '=', '^', '~');
        return v is "*" or "" || runtime.Version == v || runtime.Version.StartsWith(v + ".", StringComparison.Ordinal) ? runtime : null;
    }

    [GeneratedRegex(@"\d+(\.\d+){1,2}")]
    private static partial Regex Semver();
}

internal sealed record PistonRuntime(LanguageDefinition Language, string Version);
