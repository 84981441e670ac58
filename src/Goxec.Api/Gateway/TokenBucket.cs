using System.Globalization;
using Goxec.Jobs;

namespace Goxec.Api.Gateway;

/// <summary>
/// A token bucket per caller, kept in Redis (<see cref="GatewayStore"/>) so every Api replica draws from the same
/// bucket: three replicas do not triple a client's rate. A submission takes its token inside the submission's
/// own script instead (<see cref="JobStore.EnqueueAsync(JobSpec, string?, string?, SlotCap?, RateCap?, CancellationToken)"/>).
/// </summary>
public sealed class TokenBucket(GatewayStore store)
{
    public async Task<RateDecision> TakeAsync(string bucket, CallerLimits limits, int cost, CancellationToken ct) =>
        new(await store.TakeAsync(CapOf(bucket, limits), cost, ct), limits);

    public static RateCap CapOf(string bucket, CallerLimits limits) => new(bucket, limits.Rate, limits.Burst);
}

/// <summary>One answer of the bucket, and the headers that tell the client about it.</summary>
public sealed record RateDecision(TokenDecision Tokens, CallerLimits Limits)
{
    public const string RefusalTitle = "Too many requests";

    public bool Allowed => Tokens.Allowed;
    public int Remaining => Tokens.Remaining;

    public TimeSpan RetryAfter => Tokens.RetryAfter;

    /// <summary>The 429 for a caller whose bucket is empty: its rate and when to come back.</summary>
    public Refusal Refuse(string callerName) => new(StatusCodes.Status429TooManyRequests, RefusalTitle,
        string.Create(CultureInfo.InvariantCulture, $"The rate limit of {callerName} is {Limits.Rate:0.###} requests per second with bursts of {Limits.Burst}; ") +
        $"retry after {Refusal.Seconds(RetryAfter)} s.", RetryAfter);

    public void WriteHeaders(HttpResponse response)
    {
        static string Seconds(TimeSpan t) => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var window = Math.Max(1, (long)Math.Ceiling(Limits.Burst / Limits.Rate));
        response.Headers["RateLimit-Limit"] = Limits.Burst.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = Math.Max(0, Tokens.Remaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Seconds(Allowed ? Tokens.UntilFull : Tokens.RetryAfter);
        response.Headers["RateLimit-Policy"] = $"{Limits.Burst};w={window}";
        if (!Allowed) response.Headers.RetryAfter = Seconds(Tokens.RetryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : Tokens.RetryAfter);
    }
}
