using System.Runtime.InteropServices;

namespace Goxec.Bench;

/// <summary>One <c>./goxec bench</c>: runs the graph, writes the report, and answers with the exit code.</summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        // SIGTERM too: stopping the run must still stop the graph it started and thaw paused workers.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        var folder = BenchOutput.Folder(options.OutDir);
        Directory.CreateDirectory(folder);
        BenchReport report;
        try
        {
            await using var graphLog = new StreamWriter(Path.Combine(folder, "graph.log")) { AutoFlush = true };
            report = await new BenchRun(options, Console.Out, TextWriter.Synchronized(graphLog), Path.Combine(folder, "spans")).RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("\nbench: stopped before the end; nothing written.");
            return 130;
        }
        await BenchOutput.WriteAsync(report, folder);

        Console.WriteLine();
        Console.WriteLine(Table.Render(report));
        Console.WriteLine($"(raw numbers, chart and the graph's log: {folder}, also {Path.Combine(options.OutDir, "latest")})");
        var lost = report.Ingest is { } ingest ? ingest.Lost + ingest.Duplicates : 0;
        return lost == 0 && report.EndToEnd.Concat(report.Floors).All(s => s.Count > 0) ? 0 : 1;
    }
}
