namespace Goxec.Worker.Sandbox;

/// <summary>
/// The warm pool (section "Sandbox:Pool", env <c>Sandbox__Pool__…</c>): idle, fully hardened
/// containers per language that a job takes instead of creating one. Caps bound what idle
/// containers may cost; sizes follow demand within them.
/// </summary>
public sealed class PoolOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Idle containers across all languages on this worker.</summary>
    public int MaxTotal { get; set; } = 6;
    public int MaxPerLanguage { get; set; } = 3;
    /// <summary>Comma-separated language ids kept warm even before any demand.</summary>
    public string Prewarm { get; set; } = "python";
    public int PrewarmSize { get; set; } = 1;
    /// <summary>How far back takes count as demand; a language with none in the window shrinks to its prewarm size.</summary>
    public TimeSpan DemandWindow { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>An idle container older than this is replaced: a long idle one may hold an outdated image.</summary>
    public TimeSpan MaxIdle { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>After a failed warm-up (image missing, engine refusing), that language is left cold this long.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> PrewarmLanguages =>
        Prewarm.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
