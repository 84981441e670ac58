using System.Globalization;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// What the Api's gateway keeps in Redis: callers' token buckets (shared by every replica; the Lua reads Redis
/// TIME, so replicas' clocks never disagree) and the API keys, stored by SHA-256 (the key itself never is).
/// </summary>
public sealed class GatewayStore(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Takes <paramref name="cost"/> tokens from the caller's bucket, or none when fewer are left.</summary>
    public async Task<TokenDecision> TakeAsync(RateCap rate, int cost, CancellationToken ct)
    {
        var reply = (RedisResult[])(await JobScripts.Take.EvaluateAsync(Db, [JobKeys.RateLimit(rate.Bucket)],
            [rate.PerSecond, rate.Burst, cost], ct))!;
        return TokenDecision.From(reply);
    }

    public Task SaveKeyAsync(string digest, string record, CancellationToken ct) =>
        Db.HashSetAsync(JobKeys.ApiKeys, digest, record).WaitAsync(ct);

    public async Task<string?> FindKeyAsync(string digest, CancellationToken ct) =>
        (string?)await Db.HashGetAsync(JobKeys.ApiKeys, digest).WaitAsync(ct);

    /// <summary>Every key's digest and record. Keys are few and managed by hand.</summary>
    public async Task<IReadOnlyList<(string Digest, string Record)>> AllKeysAsync(CancellationToken ct) =>
        [.. (await Db.HashGetAllAsync(JobKeys.ApiKeys).WaitAsync(ct)).Select(e => (e.Name.ToString(), e.Value.ToString()))];

    public Task<bool> DeleteKeyAsync(string digest, CancellationToken ct) => Db.HashDeleteAsync(JobKeys.ApiKeys, digest).WaitAsync(ct);
}

/// <summary>One answer of a token bucket: allowed or not, whole tokens left, and when the cost (or a full bucket) is available.</summary>
public sealed record TokenDecision(bool Allowed, int Remaining, TimeSpan RetryAfter, TimeSpan UntilFull)
{
    /// <summary>From the scripts' {allowed, tokens left (text), wait ms, ms until full}.</summary>
    internal static TokenDecision From(ReadOnlySpan<RedisResult> reply) => new(
        (long)reply[0] == 1,
        (int)Math.Floor(double.Parse((string)reply[1]!, CultureInfo.InvariantCulture)),
        TimeSpan.FromMilliseconds((long)reply[2]),
        TimeSpan.FromMilliseconds((long)reply[3]));
}
