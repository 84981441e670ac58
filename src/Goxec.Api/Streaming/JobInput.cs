using Goxec.Jobs;

namespace Goxec.Api.Streaming;

/// <summary>
/// What an interactive client sends to its running job: <c>stdin</c>, <c>eof</c> and <c>signal</c> entries in the
/// job's stdin stream, which the worker follows from its start (so nothing sent early is lost). Shared by
/// <c>/api/v1/run</c> and Piston's <c>/api/v2/connect</c>; caps the client's total input.
/// </summary>
internal sealed class JobInput(JobEventLog log, string jobId, long maxBytes, TimeSpan ttl)
{
    public static IReadOnlySet<string> Signals => JobEvents.UserSignals;

    private long _total;

    public long MaxBytes => maxBytes;

    /// <summary>False when this would pass the input cap (nothing is written then).</summary>
    public Task<bool> StdinAsync(string data, CancellationToken ct) => AddAsync("stdin", data, ct);

    public Task<bool> EofAsync(CancellationToken ct) => AddAsync("eof", "", ct);

    public Task<bool> SignalAsync(string signal, CancellationToken ct) =>
        Signals.Contains(signal) ? AddAsync("signal", signal, ct) : throw new ArgumentException($"unknown signal {signal}", nameof(signal));

    private async Task<bool> AddAsync(string type, string data, CancellationToken ct)
    {
        var total = _total + System.Text.Encoding.UTF8.GetByteCount(data); // the cap is in bytes: "é" is two
        if (total > maxBytes) return false;
        _total = total;
        await log.AddInputAsync(jobId, type, data, ttl, ct);
        return true;
    }
}
