namespace Goxec.Worker.Sandbox;

/// <summary>
/// How many jobs are inside the sandbox (preparing or running stages) right now. Removing a used
/// container waits for a quiet moment, briefly, so it does not compete with the next job's engine
/// calls on a small machine. (Warming is not held back: measured, a held-back pool ran dry under
/// back-to-back jobs, and a fresh container costs far more than the contention.)
/// </summary>
public sealed class SandboxActivity
{
    private int _busy;

    public int Busy => Volatile.Read(ref _busy);

    public IDisposable Enter()
    {
        Interlocked.Increment(ref _busy);
        return new Exit(this);
    }

    /// <summary>Returns once no job is in the sandbox, or after <paramref name="atMost"/> (busy workers still get their background work done).</summary>
    public async Task WaitQuietAsync(TimeSpan atMost, CancellationToken ct)
    {
        var until = DateTime.UtcNow + atMost;
        while (Busy > 0 && DateTime.UtcNow < until)
            await Task.Delay(10, ct);
    }

    private sealed class Exit(SandboxActivity owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref owner._busy);
        }
    }
}
