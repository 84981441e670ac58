using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Goxec.Api.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// Reads the key from <c>Authorization: Bearer</c> or <c>X-Api-Key</c>: the admin key from configuration,
/// a stored key (looked up by its SHA-256), or no key at all — anonymous when allowed, bucketed by address.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemes, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<GatewayOptions> gateway, ApiKeyStore keys, ClientAddress addresses)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = gateway.Value;
        var presented = PresentedKey(Request);
        Caller caller;
        if (presented is null)
        {
            if (!options.AllowAnonymous) return AuthenticateResult.NoResult();
            var address = addresses.Resolve(Context.Connection.RemoteIpAddress, Request.Headers["X-Forwarded-For"].ToString());
            caller = new Caller(CallerKind.Anonymous, "anonymous", "anon:" + ClientAddress.Bucket(address), options.Anonymous);
        }
        else if (options.AdminKey.Length > 0 && SameSecret(presented, options.AdminKey))
        {
            caller = new Caller(CallerKind.Admin, "admin", "admin", null);
        }
        else if (await keys.FindAsync(presented, Context.RequestAborted) is { } key)
        {
            caller = new Caller(CallerKind.Key, key.Name, "key:" + key.Id, key.Limits());
        }
        else
        {
            return AuthenticateResult.Fail("The API key is not known: it is mistyped, or it was revoked.");
        }
        Context.Features.Set(caller);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, caller.Name), new Claim(Caller.KindClaim, caller.Kind.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message
            ?? "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.";
        await GatewayProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not authenticated", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            gateway.Value.AdminKey.Length == 0 ? "This needs the admin key, and none is configured (set Gateway:AdminKey)."
            : PresentedKey(Request) is null ? "This needs the admin key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key'."
            : "This needs the admin key; the key you sent is a valid key, but not the admin key.");

    internal static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } bearer)
            return bearer;
        return request.Headers["X-Api-Key"].ToString().Trim() is { Length: > 0 } header ? header : null;
    }

    // Compares digests, so the time taken says nothing about how much of the key matched.
    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
