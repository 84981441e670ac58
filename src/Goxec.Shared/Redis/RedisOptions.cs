using System.Globalization;

namespace Goxec.Redis;

/// <summary>Where Redis is and how to talk to it. Build one with <see cref="Parse"/> from configuration.</summary>
public sealed record RedisOptions(string Host, int Port = 6379)
{
    public string? Password { get; init; }
    public string? User { get; init; }

    /// <summary>3 asks for RESP3 and quietly falls back to 2 on servers without HELLO (Redis &lt; 6).</summary>
    public int Protocol { get; init; } = 3;

    public string? ClientName { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Just the endpoint: this lands in exception messages and logs, the password must not.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Accepts <c>host:port</c>, <c>host:port,password=x,user=y,protocol=2,name=n</c>,
    /// <c>[::1]:6379</c> and <c>redis://[user:pass@]host:port</c>.
    /// </summary>
    public static RedisOptions Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        if (text.Length == 0) throw new FormatException("Redis connection string is empty.");
        if (text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            throw new FormatException("Redis connection string asks for TLS (rediss://), which this client does not support.");
        return text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? ParseUri(text) : ParseList(text);
    }

    private static RedisOptions ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new FormatException($"Redis URI '{text}' is not a valid URI with a host.");
        if (uri.AbsolutePath is not ("" or "/" or "/0"))
            throw new FormatException($"Redis URI '{text}' selects a database; only database 0 is supported.");

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            // redis://:pass@host and redis://pass@host both mean "password only", as in redis-cli.
            var parts = uri.UserInfo.Split(':', 2);
            (user, password) = parts.Length == 2 ? (parts[0], parts[1]) : (null, parts[0]);
            user = string.IsNullOrEmpty(user) ? null : Uri.UnescapeDataString(user);
            password = Uri.UnescapeDataString(password);
        }
        var host = uri.Host.Trim('[', ']');
        return new RedisOptions(host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port) { User = user, Password = password };
    }

    private static RedisOptions ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var options = ParseEndpoint(parts[0]);
        foreach (var part in parts.Skip(1).Where(p => p.Length > 0))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2) throw new FormatException($"Redis option '{part}' is not key=value.");
            var (key, value) = (pair[0].ToLowerInvariant(), pair[1]);
            options = key switch
            {
                "password" => options with { Password = value },
                "user" => options with { User = value },
                "name" => options with { ClientName = value },
                "protocol" when value is "2" or "3" => options with { Protocol = int.Parse(value, CultureInfo.InvariantCulture) },
                "protocol" => throw new FormatException($"Redis protocol must be 2 or 3, not '{value}'."),
                "connecttimeout" => options with { ConnectTimeout = Milliseconds(key, value) },
                "commandtimeout" => options with { CommandTimeout = Milliseconds(key, value) },
                _ => throw new FormatException($"Unknown Redis option '{pair[0]}'."),
            };
        }
        return options;
    }

    private static RedisOptions ParseEndpoint(string endpoint)
    {
        string host, port;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']');
            if (close < 0) throw new FormatException($"Redis endpoint '{endpoint}' has no closing ']'.");
            host = endpoint[1..close];
            var rest = endpoint[(close + 1)..];
            if (rest.Length > 0 && rest[0] != ':') throw new FormatException($"Redis endpoint '{endpoint}' has junk after ']'.");
            port = rest.Length > 0 ? rest[1..] : "6379";
        }
        else
        {
            var colons = endpoint.Count(c => c == ':');
            if (colons > 1) throw new FormatException($"Redis endpoint '{endpoint}' looks like IPv6; write it as [address]:port.");
            var parts = endpoint.Split(':');
            (host, port) = (parts[0], colons == 1 ? parts[1] : "6379");
        }
        if (host.Length == 0) throw new FormatException($"Redis endpoint '{endpoint}' has no host.");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw new FormatException($"Redis port '{port}' is not a number between 1 and 65535.");
        return new RedisOptions(host, number);
    }

    private static TimeSpan Milliseconds(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new FormatException($"Redis option '{key}' must be a positive number of milliseconds, not '{value}'.");
}
