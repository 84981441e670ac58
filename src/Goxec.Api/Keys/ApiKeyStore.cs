using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Goxec.Api.Gateway;
using Goxec.Jobs;

namespace Goxec.Api.Keys;

/// <summary>
/// API keys, stored by the gateway store (<see cref="GatewayStore"/>) under the SHA-256 of the key. The key
/// itself is shown once, at creation, and never stored: a leaked Redis dump reveals no usable key.
/// </summary>
public sealed class ApiKeyStore(GatewayStore store, TimeProvider clock)
{
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, CallerLimits limits, CancellationToken ct)
    {
        var secret = "gxk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name,
            limits.Rate, limits.Burst, limits.MaxConcurrentJobs, clock.GetUtcNow());
        await store.SaveKeyAsync(Digest(secret), JsonSerializer.Serialize(key, GatewayJsonContext.Default.ApiKey), ct);
        return (key, secret);
    }

    public async Task<ApiKey?> FindAsync(string secret, CancellationToken ct)
    {
        // Anything longer than a key we issue cannot be one; do not hash megabytes of header.
        if (secret.Length > 256) return null;
        var json = await store.FindKeyAsync(Digest(secret), ct);
        return json is null ? null : JsonSerializer.Deserialize(json, GatewayJsonContext.Default.ApiKey);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct) =>
        [.. (await AllAsync(ct)).Select(k => k.Key).OrderBy(k => k.CreatedAt)];

    /// <summary>Revokes a key by its public id. The scan is fine: keys are few and managed by hand.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        var match = (await AllAsync(ct)).FirstOrDefault(k => k.Key.Id == id);
        if (match.Digest is null) return false;
        return await store.DeleteKeyAsync(match.Digest, ct);
    }

    private async Task<IEnumerable<(string Digest, ApiKey Key)>> AllAsync(CancellationToken ct) =>
        (await store.AllKeysAsync(ct)).Select(k => (k.Digest, JsonSerializer.Deserialize(k.Record, GatewayJsonContext.Default.ApiKey)!));

    internal static string Digest(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A key as stored and listed: never the secret.</summary>
public sealed record ApiKey(string Id, string Name, double Rate, int Burst, int MaxConcurrentJobs, DateTimeOffset CreatedAt)
{
    public CallerLimits Limits() => new() { Rate = Rate, Burst = Burst, MaxConcurrentJobs = MaxConcurrentJobs };
}
