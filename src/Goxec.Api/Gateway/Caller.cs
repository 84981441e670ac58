namespace Goxec.Api.Gateway;

public enum CallerKind { Anonymous, Key, Admin }

/// <summary>
/// Who is calling, as the authentication handler established it: the rate-limit bucket it draws from
/// and its limits (none for the admin). Kept as a request feature so middleware and handlers share it.
/// </summary>
public sealed record Caller(CallerKind Kind, string Name, string Bucket, CallerLimits? Limits)
{
    public const string KindClaim = "goxec:caller";

    public static Caller Of(HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("No caller: the endpoint is not behind the gateway (RequireCaller).");
}
