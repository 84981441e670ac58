using Goxec.Api.Gateway;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Goxec.Api.OpenApi;

/// <summary>
/// Tells OpenAPI readers how to authenticate: the two ways the gateway reads a key
/// (<c>Authorization: Bearer</c> and <c>X-Api-Key</c>), required by every operation whose endpoint
/// asks for a caller or the admin — the same metadata the gateway itself enforces.
/// </summary>
internal static class OpenApiSecurity
{
    public const string Bearer = "bearer";
    public const string ApiKeyHeader = "apiKey";

    public static OpenApiOptions AddApiKeySecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (or the admin key) as a bearer token.",
            };
            document.Components.SecuritySchemes[ApiKeyHeader] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "The same key in the X-Api-Key header.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (policies.Count == 0) return Task.CompletedTask;
            // Either scheme is enough: two requirements, each with one scheme; and where anonymous
            // callers are let in, an empty requirement says a key is optional.
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHeader, context.Document)] = [] });
            var gateway = context.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (gateway.AllowAnonymous && policies.All(p => p == GatewayExtensions.CallerPolicy))
                operation.Security.Add(new OpenApiSecurityRequirement());
            return Task.CompletedTask;
        });
        return options;
    }
}
