using Goxec.Jobs;
using Goxec.Languages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.AspNetCore.Builder;

internal static class LanguagesApi
{
    public static IEndpointRouteBuilder MapLanguagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/languages", ListAsync).RequireCaller().WithTags("Languages");
        return app;
    }

    /// <summary>Every language, with the version its image reports (null until a worker with that image has started).</summary>
    public static async Task<Ok<IEnumerable<LanguageInfo>>> ListAsync(LanguageCatalog catalog, ClusterStore cluster, CancellationToken ct)
    {
        var versions = await cluster.VersionsAsync(ct);
        return TypedResults.Ok(catalog.All.Select(l => new LanguageInfo(l.Id, l.Name,
            versions.GetValueOrDefault(l.Id), l.Aliases, l.Compiled, l.Editor, l.Template)));
    }

    internal sealed record LanguageInfo(string Id, string Name, string? Version, IReadOnlyList<string> Aliases, bool Compiled,
        string EditorLanguage, string Template);
}
