namespace Goxec.Redis;

/// <summary>Shorthands so callers write <c>redis.ExecuteAsync("GET", key)</c>.</summary>
public static class RedisClientExtensions
{
    public static Task<RespValue> ExecuteAsync(this IRedisClient client, string name, params RedisArg[] args) =>
        client.ExecuteAsync(new RedisCommand(name, args));

    public static Task<RespValue> ExecuteAsync(this IRedisClient client, CancellationToken cancellationToken, string name, params RedisArg[] args) =>
        client.ExecuteAsync(new RedisCommand(name, args), cancellationToken);

    public static Task<RespValue> ExecuteBlockingAsync(this IRedisClient client, CancellationToken cancellationToken, string name, params RedisArg[] args) =>
        client.ExecuteBlockingAsync(new RedisCommand(name, args), cancellationToken);
}
