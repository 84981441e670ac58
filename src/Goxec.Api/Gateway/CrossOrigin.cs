using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Goxec.Api.Gateway;

/// <summary>
/// What a browser on another origin may do, by <see cref="GatewayOptions.AllowedOrigins"/>. A preflight is answered
/// with exactly the methods and request headers the Api uses, and answers expose the headers a client acts on
/// (where a job is, when to come back). No credentials: keys travel in headers, never in cookies, so
/// <c>*</c> is a plain <c>Access-Control-Allow-Origin: *</c>.
/// </summary>
internal static class CrossOrigin
{
    public static readonly string[] Methods = ["GET", "POST", "DELETE"];

    public static readonly string[] RequestHeaders = ["Authorization", "X-Api-Key", "Content-Type", "Idempotency-Key", "Last-Event-ID"];

    public static readonly string[] ExposedHeaders =
        ["Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

    /// <summary>Browsers may reuse a preflight this long.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    public static void Configure(CorsPolicyBuilder policy, GatewayOptions gateway)
    {
        if (gateway.AllowsAnyOrigin) policy.AllowAnyOrigin();
        else policy.WithOrigins(gateway.AllowedOrigins);
        policy.WithMethods(Methods).WithHeaders(RequestHeaders).WithExposedHeaders(ExposedHeaders).SetPreflightMaxAge(PreflightMaxAge);
    }
}
