using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Goxec.Jobs;

/// <summary>
/// A Lua script run by its SHA1 (EVALSHA), so the source crosses the wire only when Redis has not cached it:
/// the first use, or after a restart or SCRIPT FLUSH emptied the cache (NOSCRIPT), when EVAL runs and caches it.
/// </summary>
internal sealed class JobScript(string source)
{
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(source));

    public string Source => source;

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync db, RedisKey[] keys, RedisValue[] args, CancellationToken ct)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_sha1, keys, args).WaitAsync(ct);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(source, keys, args, CommandFlags.NoScriptCache).WaitAsync(ct);
        }
    }
}
