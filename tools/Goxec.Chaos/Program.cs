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
var report = await new ChaosRun(options, Console.Out).RunAsync(stop.Token);
Console.WriteLine($"({report.WorkerKills} worker kills, {report.RedisRestarts} redis restart(s), {report.Duration.TotalSeconds:F0} s)");
Console.WriteLine(report);
return report.Clean ? 0 : 1;
