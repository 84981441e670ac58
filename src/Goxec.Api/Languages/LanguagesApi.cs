using Goxec.Languages;

namespace Microsoft.AspNetCore.Builder;

internal static class LanguagesApi
{
    public static IEndpointRouteBuilder MapLanguagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/languages", (LanguageCatalog catalog) =>
            TypedResults.Ok(catalog.All.Select(l => new LanguageInfo(l.Id, l.Name, l.Aliases, l.Compiled, l.Editor, l.Template))))
            .RequireCaller().WithTags("Languages");
        return app;
    }

    internal sealed record LanguageInfo(string Id, string Name, IReadOnlyList<string> Aliases, bool Compiled, string EditorLanguage, string Template);
}
