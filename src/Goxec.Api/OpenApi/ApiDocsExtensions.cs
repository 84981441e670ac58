using Scalar.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, generated from the endpoints themselves (typed results give it
/// the responses), and <c>/api/docs</c>: Scalar's reference page rendering it. Scalar's script is served from the
/// package itself (no CDN), and "try it" requests go straight to this Api, never through Scalar's proxy. The page lives
/// at <c>/api/docs/</c> (<c>/api/docs</c> redirects there).
/// </summary>
internal static class ApiDocsExtensions
{
    public const string DocsPath = "/api/docs";

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("Goxec API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(Goxec.Api.OpenApi.OpenApiSecurity.Bearer)
            // Nothing leaves for scalar.com: no web fonts, telemetry or hosted assistant; the page works offline.
            .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp().HideDeveloperTools());
        return app;
    }
}
