using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// <c>/metrics</c> (mapped by the service defaults, outside the gateway's endpoint conventions) is an operator's
/// view: the admin key only, unless Gateway:OpenOperatorViews. A scraper sends the key as a bearer token.
/// </summary>
internal sealed class MetricsGuard(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string Path = "/metrics";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Path) || options.Value.OpenOperatorViews
            || context.Features.Get<Caller>() is { Kind: CallerKind.Admin })
            return next(context);
        // As for any admin endpoint: no caller (an unknown key, or none where anonymous access is off) is 401;
        // a caller that is not the admin is 403.
        return context.Features.Get<Caller>() is null
            ? context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName)
            : context.ForbidAsync(ApiKeyAuthenticationHandler.SchemeName);
    }
}
