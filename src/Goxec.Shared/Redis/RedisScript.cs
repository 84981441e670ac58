using System.Security.Cryptography;
using System.Text;

namespace Goxec.Redis;

/// <summary>
/// A Lua script run by its SHA1 (EVALSHA), so the source crosses the wire only when Redis
/// has not cached it yet (first use, or after a restart or SCRIPT FLUSH).
/// </summary>
public sealed class RedisScript(string source)
{
    public string Source { get; } = source;

    /// <summary>Lower-case hex SHA1 of the source, as Redis computes it.</summary>
    public string Sha1 { get; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));

    public async Task<RespValue> EvaluateAsync(IRedisClient client, IReadOnlyList<RedisArg> keys, IReadOnlyList<RedisArg> args, CancellationToken cancellationToken = default)
    {
        try
        {
            return await client.ExecuteAsync(Command("EVALSHA", Sha1, keys, args), cancellationToken);
        }
        catch (RedisServerException e) when (e.Prefix == "NOSCRIPT")
        {
            // EVAL also caches the script, so the next call's EVALSHA succeeds.
            return await client.ExecuteAsync(Command("EVAL", Source, keys, args), cancellationToken);
        }
    }

    private static RedisCommand Command(string name, string script, IReadOnlyList<RedisArg> keys, IReadOnlyList<RedisArg> args) =>
        new(name, [script, keys.Count, .. keys, .. args]);
}
