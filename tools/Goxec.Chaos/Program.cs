using Goxec.Chaos;

ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
Directory.CreateDirectory(".goxec/logs");
await using var graphLog = new StreamWriter(".goxec/logs/chaos-graph.log") { AutoFlush = true };
var report = await new ChaosRun(options, Console.Out, TextWriter.Synchronized(graphLog)).RunAsync(stop.Token);
Console.WriteLine("(the graph's logs: .goxec/logs/chaos-graph.log)");
Console.WriteLine($"({report.WorkerKills} worker kills, {report.RedisRestarts} redis restart(s), {report.Duration.TotalSeconds:F0} s)");
Console.WriteLine(report);
return report.Clean ? 0 : 1;
