namespace Goxec.Jobs;

/// <summary>What a worker says about itself every few seconds in <see cref="JobKeys.Workers"/>.</summary>
public sealed record WorkerHeartbeat(string Name, DateTimeOffset LastHeartbeat, DateTimeOffset StartedAt, int Concurrency, IReadOnlyList<string> Running, bool Healthy)
{
    /// <summary>A worker silent for longer than this is considered gone (its containers may be reaped).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public bool IsAlive(DateTimeOffset now) => now - LastHeartbeat < Timeout;
}
