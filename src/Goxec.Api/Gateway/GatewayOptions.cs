using System.Net;

namespace Goxec.Api.Gateway;

/// <summary>Who may call, how fast, and from where. Strict enough for the internet, open enough for a laptop.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The operator's key: manages API keys and dead letters. Empty means no one is admin.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Callers without a key may use the Api (with <see cref="Anonymous"/> limits). On for local use.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Limits of anonymous callers, per client address (IPv6 per /64).</summary>
    public CallerLimits Anonymous { get; set; } = new() { Rate = 5, Burst = 20, MaxConcurrentJobs = 5 };

    /// <summary>Limits a new API key gets when the request does not name its own.</summary>
    public CallerLimits DefaultKey { get; set; } = new() { Rate = 20, Burst = 100, MaxConcurrentJobs = 50 };

    /// <summary>Peers whose X-Forwarded-For is believed (CIDRs, e.g. "10.0.0.0/8", "::1/128"). None by default.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// Browser origins allowed by CORS and on WebSocket connects, e.g. "https://ide.example.com"; <c>*</c> allows any
    /// origin. Same-origin only by default.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Whether <see cref="AllowedOrigins"/> holds <c>*</c>: any web page may call this Api from its visitors' browsers.</summary>
    public bool AllowsAnyOrigin => AllowedOrigins.Contains(AnyOrigin);

    public const string AnyOrigin = "*";

    /// <summary>Whether <c>GET /api/v1/stats</c> needs the admin key.</summary>
    public bool StatsRequireAdmin { get; set; }

    /// <summary>Submissions are refused with 503 while more than this many jobs wait in <c>goxec:jobs</c>.</summary>
    public long MaxQueueBacklog { get; set; } = 10_000;

    /// <summary>How long one backlog reading is reused, so the check costs nothing per request.</summary>
    public TimeSpan BacklogCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest WebSocket message a client may send (streaming endpoints enforce it).</summary>
    public int MaxWebSocketMessageBytes { get; set; } = 64 * 1024;

    /// <summary>The cap on all request headers together (431 with a problem body above it).</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    internal IReadOnlyList<IPNetwork> ParsedTrustedProxies() =>
        [.. TrustedProxies.Select(p => IPNetwork.TryParse(p, out var n) ? n
            : IPAddress.TryParse(p, out var a) ? new IPNetwork(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            : throw new FormatException($"Gateway:TrustedProxies: '{p}' is not a CIDR or an address."))];

    internal string? Problem()
    {
        try { _ = ParsedTrustedProxies(); }
        catch (FormatException e) { return e.Message; }
        if (AllowedOrigins.FirstOrDefault(o => o != AnyOrigin && (!Uri.TryCreate(o, UriKind.Absolute, out var u) || u.AbsolutePath != "/")) is { } bad)
            return $"Gateway:AllowedOrigins: '{bad}' is not an origin like https://host[:port] (or * for any).";
        if ((Anonymous.Problem("Anonymous") ?? DefaultKey.Problem("DefaultKey")) is { } limits) return limits;
        if (MaxQueueBacklog < 1 || BacklogCacheTime < TimeSpan.Zero || MaxWebSocketMessageBytes < 1 || MaxRequestHeadersBytes < 1024)
            return "Gateway: MaxQueueBacklog, MaxWebSocketMessageBytes and MaxRequestHeadersBytes (>= 1024) must be positive.";
        return null;
    }
}

/// <summary>A token bucket (<see cref="Rate"/> per second, up to <see cref="Burst"/>) and a cap on unfinished jobs.</summary>
public sealed class CallerLimits
{
    public double Rate { get; set; }
    public int Burst { get; set; }
    public int MaxConcurrentJobs { get; set; }

    internal string? Problem(string name) =>
        Rate is > 0 and <= 1_000_000 && Burst is > 0 and <= 1_000_000 && MaxConcurrentJobs is > 0 and <= 1_000_000
            ? null
            : $"Gateway:{name}: Rate, Burst and MaxConcurrentJobs must be between 1 and 1000000.";
}

/// <summary>Says which setting is wrong at start-up, instead of failing on the first request.</summary>
internal sealed class GatewayOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<GatewayOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        options.Problem() is { } problem
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
