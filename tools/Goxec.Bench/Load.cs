using System.Diagnostics;

namespace Goxec.Bench;

/// <summary>Runs a timed operation a number of times with a fixed number in flight, printing progress.</summary>
public static class Load
{
    public sealed record Outcome(IReadOnlyList<double> SamplesMs, int Errors, TimeSpan Wall, IReadOnlyList<string> ErrorSamples);

    public static async Task<Outcome> RunAsync(string label, int count, int concurrency, Func<int, CancellationToken, Task> operation,
        TextWriter progress, CancellationToken ct)
    {
        var samples = new double[count];
        var ok = new bool[count];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var next = -1;
        var done = 0;
        var wall = Stopwatch.StartNew();
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = ReportAsync(label, count, () => Volatile.Read(ref done), progress, reporting.Token);
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(i, ct);
                    samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    ok[i] = true;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    if (errors.Count < 5) errors.Enqueue(e.Message);
                }
                Interlocked.Increment(ref done);
            }
        }, ct)));
        wall.Stop();
        await reporting.CancelAsync();
        await reporter;
        progress.WriteLine($"\r  {label}: {count}/{count} in {wall.Elapsed.TotalSeconds:F1} s{(count - ok.Count(o => o) is > 0 and var failed ? $", {failed} failed: {errors.FirstOrDefault()}" : "")}");
        return new Outcome([.. samples.Where((_, i) => ok[i])], ok.Count(o => !o), wall.Elapsed, [.. errors]);
    }

    private static async Task ReportAsync(string label, int count, Func<int> done, TextWriter progress, CancellationToken ct)
    {
        // One updating line on a terminal; in a log, a line every few seconds.
        var redirected = Console.IsOutputRedirected;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(redirected ? 5 : 1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                if (redirected) progress.WriteLine($"  {label}: {done()}/{count}");
                else progress.Write($"\r  {label}: {done()}/{count}");
        }
        catch (OperationCanceledException) { }
    }
}
