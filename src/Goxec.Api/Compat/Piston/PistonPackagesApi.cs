using System.Text.Json;
using System.Text.Json.Nodes;
using Goxec.Api.Compat.Piston;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Piston's package manager endpoints. Goxec's runtimes are images built on the host (<c>./goxec images</c>), not
/// packages fetched at run time, so the list is what is installed and install/uninstall answer 501 with Piston's
/// <c>{message}</c>. Both of Piston's shapes are served: the language and version in the path (older) or in the body.
/// </summary>
internal static class PistonPackagesApi
{
    public static IEndpointRouteBuilder MapPistonPackages(this IEndpointRouteBuilder piston)
    {
        piston.MapGet("/packages", ListAsync);
        piston.MapPost("/packages", (HttpContext c, PistonRuntimes r, CancellationToken ct) => FromBodyAsync(c, r, install: true, ct));
        piston.MapDelete("/packages", (HttpContext c, PistonRuntimes r, CancellationToken ct) => FromBodyAsync(c, r, install: false, ct));
        piston.MapPost("/packages/{language}/{version}", (string language, string version, PistonRuntimes r, CancellationToken ct) =>
            RefuseAsync(language, version, r, install: true, ct));
        piston.MapDelete("/packages/{language}/{version}", (string language, string version, PistonRuntimes r, CancellationToken ct) =>
            RefuseAsync(language, version, r, install: false, ct));
        return piston;
    }

    private static async Task<IResult> ListAsync(PistonRuntimes runtimes, CancellationToken ct) =>
        Results.Json((await runtimes.AllAsync(ct)).Select(r => new JsonObject
        {
            ["language"] = r.Language.Id, ["language_version"] = r.Version, ["installed"] = true,
        }).ToList());

    private static async Task<IResult> FromBodyAsync(HttpContext context, PistonRuntimes runtimes, bool install, CancellationToken ct)
    {
        JsonElement body;
        try { body = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct)).RootElement; }
        catch (JsonException e) { return Message(400, $"Invalid request body: {e.Message}"); }
        string? Text(string name) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Text("language") is not { } language) return Message(400, "language is required as a string");
        if (Text("version") is not { } version) return Message(400, "version is required as a string");
        return await RefuseAsync(language, version, runtimes, install, ct);
    }

    private static async Task<IResult> RefuseAsync(string language, string version, PistonRuntimes runtimes, bool install, CancellationToken ct)
    {
        if (await runtimes.FindAsync(language, version, ct) is null) return Message(404, $"Requested package {language}-{version} does not exist");
        var verb = install ? "installed" : "uninstalled";
        return Message(501, $"Packages cannot be {verb} through this API: Goxec builds its runtime images locally on the host (./goxec images)");
    }

    private static IResult Message(int status, string message) => Results.Json(new JsonObject { ["message"] = message }, statusCode: status);
}
