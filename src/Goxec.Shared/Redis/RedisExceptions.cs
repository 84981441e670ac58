namespace Goxec.Redis;

/// <summary>Redis answered with an error reply, e.g. <c>BUSYGROUP</c> or <c>NOSCRIPT</c>.</summary>
public sealed class RedisServerException(string message) : Exception(message)
{
    /// <summary>The first word of the error, e.g. <c>ERR</c>, <c>BUSYGROUP</c>, <c>NOSCRIPT</c>.</summary>
    public string Prefix => Message.Split(' ', 2)[0];
}

/// <summary>The connection failed or was lost; the command may or may not have run.</summary>
public sealed class RedisConnectionException(string message, Exception? inner = null) : Exception(message, inner);
