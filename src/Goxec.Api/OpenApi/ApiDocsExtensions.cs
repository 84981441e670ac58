namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, generated from the endpoints themselves (typed
/// results give it the responses), and <c>/api/docs</c>: one small page that renders it, with no CDN.
/// </summary>
internal static class ApiDocsExtensions
{
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        var page = ReadPage();
        app.MapGet("/api/docs", () => TypedResults.Content(page, "text/html; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static string ReadPage()
    {
        using var stream = typeof(ApiDocsExtensions).Assembly.GetManifestResourceStream("Goxec.Api.OpenApi.api-docs.html")
            ?? throw new InvalidOperationException("The API docs page is not embedded (see Goxec.Api.csproj).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
