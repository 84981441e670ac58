namespace Goxec.Redis;

/// <summary>Redis answered with an error reply, e.g. <c>BUSYGROUP</c> or <c>NOSCRIPT</c>.</summary>
public sealed class RedisServerException(string message) : Exception(message)
{
    /// <summary>The first word of the error, e.g. <c>ERR</c>, <c>BUSYGROUP</c>, <c>NOSCRIPT</c>.</summary>
    public string Prefix => Message.Split(' ', 2)[0];
}

/// <summary>The connection failed or was lost; the command may or may not have run.</summary>
public sealed class RedisConnectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Redis sent bytes that are not valid RESP (or absurd lengths). The stream can no longer be
/// trusted, so the connection is closed; callers waiting on it see <see cref="RedisConnectionException"/>.
/// </summary>
public sealed class RedisProtocolException(string message) : Exception(message);
