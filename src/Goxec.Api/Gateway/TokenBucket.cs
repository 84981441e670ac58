using System.Globalization;
using Goxec.Redis;

namespace Goxec.Api.Gateway;

/// <summary>
/// A token bucket per caller, kept in Redis so every Api replica draws from the same bucket: three
/// replicas do not triple a client's rate. The script reads the clock with Redis TIME, so replicas'
/// clocks never disagree about how many tokens have refilled.
/// </summary>
public sealed class TokenBucket(IRedisClient redis)
{
    public const string KeyPrefix = "goxec:ratelimit:";

    // Times are whole milliseconds: Lua hands numbers to Redis as "%.14g", which would round microseconds.
    // KEYS: bucket. ARGV: rate per second, burst, cost. Returns {allowed, tokens left (text), ms until
    // the cost is available, ms until full}.
    private static readonly RedisScript Take = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or burst
        local at = tonumber(state[2]) or now
        if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
        local allowed = 0
        if tokens >= cost then
          tokens = tokens - cost
          allowed = 1
        end
        redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%d', math.max(now, at)))
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
        local wait = 0
        if allowed == 0 then wait = math.ceil((cost - tokens) * 1000 / rate) end
        return {allowed, string.format('%.6f', tokens), wait, math.ceil((burst - tokens) * 1000 / rate)}
        """);

    public async Task<RateDecision> TakeAsync(string bucket, CallerLimits limits, int cost, CancellationToken ct)
    {
        var reply = (await Take.EvaluateAsync(redis, [KeyPrefix + bucket],
            [limits.Rate.ToString("R", CultureInfo.InvariantCulture), limits.Burst, cost], ct)).AsArray();
        return new RateDecision(
            reply[0].AsInt64() == 1,
            limits,
            (int)Math.Floor(double.Parse(reply[1].AsString()!, CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(reply[2].AsInt64()),
            TimeSpan.FromMilliseconds(reply[3].AsInt64()));
    }
}

/// <summary>One answer of the bucket, and the headers that tell the client about it.</summary>
public sealed record RateDecision(bool Allowed, CallerLimits Limits, int Remaining, TimeSpan RetryAfter, TimeSpan UntilFull)
{
    public void WriteHeaders(HttpResponse response)
    {
        static string Seconds(TimeSpan t) => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var window = Math.Max(1, (long)Math.Ceiling(Limits.Burst / Limits.Rate));
        response.Headers["RateLimit-Limit"] = Limits.Burst.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = Math.Max(0, Remaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Seconds(Allowed ? UntilFull : RetryAfter);
        response.Headers["RateLimit-Policy"] = $"{Limits.Burst};w={window}";
        if (!Allowed) response.Headers.RetryAfter = Seconds(RetryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : RetryAfter);
    }
}
