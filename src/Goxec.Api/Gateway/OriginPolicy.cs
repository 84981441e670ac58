using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// Browsers send <c>Origin</c>; other clients do not. A request that carries one must come from this
/// Api's own origin or one in <see cref="GatewayOptions.AllowedOrigins"/>. CORS alone only hides answers
/// from other sites, and does not apply to WebSocket connects at all, so a foreign page could still
/// submit jobs or open streams with the visitor's address: this refuses those with 403.
/// </summary>
internal sealed class OriginPolicy(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || options.Value.AllowsAnyOrigin || IsAllowed(context.Request, origin, options.Value.AllowedOrigins))
        {
            await next(context);
            return;
        }
        await GatewayProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
            $"Requests from '{origin}' are not allowed; the operator lists allowed origins in Gateway:AllowedOrigins.");
    }

    public static bool IsAllowed(HttpRequest request, string origin, IReadOnlyList<string> allowed)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        var normalized = uri.GetLeftPart(UriPartial.Authority);
        if (string.Equals(normalized, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase)) return true;
        return allowed.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var u)
            && string.Equals(u.GetLeftPart(UriPartial.Authority), normalized, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An HTTP/1.1 upgrade or an HTTP/2 extended CONNECT to a WebSocket, read from the request itself.</summary>
    public static bool IsWebSocketConnect(HttpRequest request) =>
        request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
        || (HttpMethods.IsConnect(request.Method) && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.Protocol == "websocket");
}
