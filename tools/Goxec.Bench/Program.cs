using System.Text.Json;
using Goxec.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
var dir = Path.Combine(options.OutDir, stamp);
Directory.CreateDirectory(dir);
await using var graphLog = new StreamWriter(Path.Combine(dir, "graph.log")) { AutoFlush = true };

var report = await new BenchRun(options, Console.Out, TextWriter.Synchronized(graphLog)).RunAsync(stop.Token);
await File.WriteAllTextAsync(Path.Combine(dir, "bench.json"), JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport));
await File.WriteAllTextAsync(Path.Combine(dir, "bench.svg"), Chart.Render(report));
var table = Table.Render(report);
await File.WriteAllTextAsync(Path.Combine(dir, "bench.md"), table);

// "latest" is a relative link, so the output folder can be moved or copied whole.
var latest = Path.Combine(options.OutDir, "latest");
if (new FileInfo(latest).LinkTarget is not null) File.Delete(latest);
Directory.CreateSymbolicLink(latest, stamp);

Console.WriteLine();
Console.WriteLine(table);
Console.WriteLine($"(raw numbers, chart and the graph's log: {dir}, also {latest})");
var lost = report.Ingest is { } ingest ? ingest.Lost + ingest.Duplicates : 0;
return lost == 0 && report.EndToEnd.Concat(report.Floors).All(s => s.Count > 0) ? 0 : 1;
