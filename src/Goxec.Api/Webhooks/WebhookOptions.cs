namespace Goxec.Api.Webhooks;

/// <summary>Webhook settings, in the <c>Gateway</c> section beside the other edge settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>The HMAC-SHA256 key of <c>Goxec-Signature</c>. Empty turns callbacks off (submissions naming one get 400).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Lets callbacks reach private, loopback and link-local addresses. Off: that is how SSRF reaches internal services.</summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>Tries per delivery, the first included.</summary>
    public int WebhookAttempts { get; set; } = 5;

    /// <summary>The wait before the second try; it doubles after each failure.</summary>
    public TimeSpan WebhookBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one try may take, connect to last byte.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once per Api replica.</summary>
    public int WebhookConcurrency { get; set; } = 16;

    internal bool IsValid => WebhookAttempts is >= 1 and <= 20 && WebhookBackoff >= TimeSpan.Zero
        && WebhookTimeout > TimeSpan.Zero && WebhookConcurrency is >= 1 and <= 1000;
}
