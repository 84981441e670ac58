using Goxec.Api.Gateway;
using Goxec.Api.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>API keys, managed with the admin key: create (the secret is shown once), list, revoke.</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/keys").RequireAdmin().WithTags("Keys");
        keys.MapPost("/", CreateAsync).Accepts<CreateApiKeyRequest>("application/json");
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    public static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateAsync(
        HttpRequest request, ApiKeyStore store, IOptions<GatewayOptions> gateway, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, GatewayJsonContext.Default.CreateApiKeyRequest, ct);
        if (body is null) return problem!;
        var defaults = gateway.Value.DefaultKey;
        var limits = new CallerLimits
        {
            Rate = body.Rate ?? defaults.Rate,
            Burst = body.Burst ?? defaults.Burst,
            MaxConcurrentJobs = body.MaxConcurrentJobs ?? defaults.MaxConcurrentJobs,
        };
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100) errors["name"] = ["A name of 1 to 100 characters is required."];
        if (limits.Rate is not (> 0 and <= 1_000_000)) errors["rate"] = ["The rate (requests per second) must be between 0 and 1000000."];
        if (limits.Burst is < 1 or > 1_000_000) errors["burst"] = ["The burst must be between 1 and 1000000."];
        if (limits.MaxConcurrentJobs is < 1 or > 1_000_000) errors["maxConcurrentJobs"] = ["maxConcurrentJobs must be between 1 and 1000000."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The key is not valid.");

        var (key, secret) = await store.CreateAsync(body.Name!.Trim(), limits, ct);
        return TypedResults.Created($"/api/v1/keys/{key.Id}",
            new CreatedApiKey(key.Id, key.Name, secret, key.Rate, key.Burst, key.MaxConcurrentJobs, key.CreatedAt));
    }

    public static async Task<Ok<IReadOnlyList<ApiKey>>> ListAsync(ApiKeyStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ApiKeyStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"No API key with id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Key not found");
}

public sealed record CreateApiKeyRequest(string? Name, double? Rate, int? Burst, int? MaxConcurrentJobs);

/// <summary>The answer to a creation: the only time <see cref="Key"/> is ever shown.</summary>
public sealed record CreatedApiKey(string Id, string Name, string Key, double Rate, int Burst, int MaxConcurrentJobs, DateTimeOffset CreatedAt);
