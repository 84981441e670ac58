using System.Diagnostics;
using System.Globalization;
using Goxec.AppHost;
using Goxec.Graph;

namespace Goxec.Bench;

/// <summary>Steady load for a while, sampling the resident memory of the Api and every worker.</summary>
public sealed class Soak(BenchOptions options, TextWriter progress)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    public async Task<SoakResult> RunAsync(RunningGraph app, HttpClient http, CancellationToken ct)
    {
        var processes = Graph.Processes(app).ToList();
        var samples = processes.ToDictionary(p => p.Name, _ => new List<(double Minute, double Mb)>());
        var clock = Stopwatch.StartNew();
        int jobs = 0, errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(options.Soak);
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await EndToEnd.RunJobAsync(http, "python", "soak", stop.Token);
                    Interlocked.Increment(ref jobs);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                catch (Exception) { Interlocked.Increment(ref errors); }
            }
        })).ToList();
        using var timer = new PeriodicTimer(SampleEvery);
        do
        {
            foreach (var (name, pid) in processes)
                if (RssMb(pid) is { } mb) samples[name].Add((clock.Elapsed.TotalMinutes, mb));
            var line = $"  soak: {clock.Elapsed.TotalSeconds:F0}/{options.Soak.TotalSeconds:F0} s, {jobs} jobs, " +
                       string.Join(", ", samples.Select(s => $"{s.Key} {(s.Value.Count > 0 ? s.Value[^1].Mb : 0):F0} MB"));
            // One updating line on a terminal; in a log, a line every half minute.
            if (!Console.IsOutputRedirected) progress.Write("\r" + line);
            else if (samples.Values.First().Count % 6 == 1) progress.WriteLine(line);
        }
        while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
        await Task.WhenAll(load);
        progress.WriteLine();
        return new SoakResult(Stats.Round(clock.Elapsed.TotalSeconds), jobs, errors, [.. samples.Select(s =>
        {
            // The first fifth is warm-up (JIT, pools filling); the slope is of what follows.
            var steady = s.Value.Skip(s.Value.Count / 5).ToList();
            return new ProcessMemory(s.Key, Stats.Round(s.Value.FirstOrDefault().Mb), Stats.Round(s.Value.LastOrDefault().Mb),
                Math.Round(Stats.Slope([.. steady.Select(p => (p.Minute, p.Mb))]), 3), [.. s.Value.Select(p => Stats.Round(p.Mb))]);
        })]);
    }

    /// <summary>VmRSS from /proc, or null once the process is gone.</summary>
    private static double? RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { return null; }
    }
}
