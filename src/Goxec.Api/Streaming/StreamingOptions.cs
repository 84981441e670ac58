namespace Goxec.Api.Streaming;

public sealed class StreamingOptions
{
    public const string Section = "Streaming";

    /// <summary>Messages queued for one subscriber before it counts as too slow and is disconnected (close 4008).</summary>
    public int MaxQueuedMessages { get; set; } = 256;

    /// <summary>Longest a single send may take before the subscriber counts as stalled.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>WebSocket close codes Goxec uses (documented in the README).</summary>
public static class CloseCodes
{
    public const int JobFinished = 1000;
    public const int TooSlow = 4008;
    public const int BadInit = 4400;
    public const int NotFound = 4404;
    public const int InitTimeout = 4408;
    public const int TooMuchInput = 4413;
    public const int RateLimited = 4429;
}
