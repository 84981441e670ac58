using Goxec.Api.Gateway;
using Goxec.Api.Jobs;
using Goxec.Api.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The gateway in three verbs: <c>AddGateway</c> (services), <c>UseGateway</c> (the pipeline) and the
/// endpoint conventions <c>RequireCaller</c> / <c>RequireAdmin</c> / <c>SubmitsJobs</c>, which any feature
/// (jobs, streams, WebSockets) applies to its own endpoints.
/// </summary>
public static class GatewayExtensions
{
    public const string CallerPolicy = "caller";
    public const string AdminPolicy = "admin";
    private const string CorsPolicy = "gateway";

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton(sp => new ClientAddress(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ParsedTrustedProxies()));
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<TokenBucket>();
        services.AddSingleton<QueueBacklog>();
        services.AddExceptionHandler<BadRequestExceptionHandler>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CallerPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(Caller.KindClaim, nameof(CallerKind.Admin)));
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<GatewayOptions>>((cors, gateway) => cors.AddPolicy(CorsPolicy, p => CrossOrigin.Configure(p, gateway.Value)));

        // Caps the framework enforces before any of our code runs: body (413), and a backstop for headers
        // (431) well above Gateway:MaxRequestHeadersBytes, which RequestHeaderLimit enforces with a problem body.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SubmissionOptions>, IOptions<GatewayOptions>>((kestrel, submission, gateway) =>
        {
            kestrel.Limits.MaxRequestBodySize = submission.Value.MaxRequestBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestHeaderLimit.KestrelBackstop(gateway.Value);
        });
        return builder;
    }

    /// <summary>Retry-After on every refusal, header size, CORS, then the Origin check, then who is calling, then whether they may and how fast.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseMiddleware<RetryAfterPolicy>();
        app.UseMiddleware<RequestHeaderLimit>();
        app.UseCors(CorsPolicy);
        app.UseMiddleware<OriginPolicy>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<GatewayMiddleware>();
        return app;
    }

    /// <summary>A known key, the admin, or an anonymous caller when allowed; draws from its token bucket.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(CallerPolicy).WithMetadata(new RateLimitedMetadata());

    /// <summary>Only the admin key (Gateway:AdminKey).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AdminPolicy).WithMetadata(new RateLimitedMetadata());

    /// <summary>
    /// The endpoint takes the caller's token itself, inside the submission script (one round trip for both), instead
    /// of the gateway taking it first. It must still take one on every path that does not submit.
    /// </summary>
    public static TBuilder TakesTokenInSubmission<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TokenInSubmissionMetadata());

    /// <summary>Refused with 503 + Retry-After while the queue backlog is over Gateway:MaxQueueBacklog.</summary>
    public static TBuilder SubmitsJobs<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SubmitsJobsMetadata());
}

internal static class OperatorViewExtensions
{
    /// <summary>Read-only operator views (stats, the dead-letter list): open to callers, or admin-only with Gateway:StatsRequireAdmin.</summary>
    public static TBuilder RequireOperatorView<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app) where TBuilder : IEndpointConventionBuilder =>
        app.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.StatsRequireAdmin ? builder.RequireAdmin() : builder.RequireCaller();
}
