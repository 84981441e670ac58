using System.Text.Json;
using Goxec.Bench;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Bench;

/// <summary>
/// <c>./goxec bench --quick</c> with tiny counts against a real graph: the output is well formed, every
/// scenario has samples, and every submission accepted while the workers were paused ran exactly once.
/// Times are never asserted: this machine's speed is not what is tested.
/// </summary>
public class BenchSmokeTests
{
    [Fact]
    public async Task A_quick_run_writes_a_complete_report_and_loses_nothing()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        TestDriver.RequirePrerequisites(Goxec.Worker.Sandbox.SandboxDrivers.Namespaces);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(8));
        var output = Directory.CreateTempSubdirectory("goxec-bench-");
        try
        {
            var options = new BenchOptions { Quick = true, Concurrency = [1, 2], Ingest = 24, Connections = 4, OutDir = output.FullName, Drivers = ["docker", "namespaces"] };
            var log = new StringWriter();
            var report = await new BenchRun(options, log, TextWriter.Null).RunAsync(timeout.Token);
            var folder = BenchOutput.Folder(options.OutDir);
            await BenchOutput.WriteAsync(report, folder);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "latest", "bench.json"), timeout.Token));
            var floors = json.RootElement.GetProperty("floors").EnumerateArray().ToList();
            var e2e = json.RootElement.GetProperty("endToEnd").EnumerateArray().ToList();
            // Floors: bare, bubblewrap, two engine languages and docker run, at concurrency 1 and 2.
            Assert.Equal(10, floors.Count);
            // Two languages at two concurrencies, per pool setting measured on the container driver, and on the namespace driver.
            Assert.Equal(4 * ((BenchRun.WorkerHasPool ? 2 : 1) + 1), e2e.Count);
            Assert.Equal(4, e2e.Count(s => s.GetProperty("driver").GetString() == "namespaces"));
            foreach (var scenario in floors.Concat(e2e))
            {
                var name = scenario.GetProperty("name").GetString();
                Assert.True(scenario.GetProperty("count").GetInt32() > 0, $"{name} has no samples\n{log}");
                Assert.Equal(scenario.GetProperty("count").GetInt32(), scenario.GetProperty("samplesMs").GetArrayLength());
                Assert.True(scenario.GetProperty("errors").GetInt32() == 0, $"{name} had errors\n{log}");
                Assert.True(scenario.GetProperty("p50").GetDouble() <= scenario.GetProperty("p99").GetDouble(), name);
            }
            Assert.All(e2e, s => Assert.True(s.GetProperty("ratioP50").GetDouble() > 0 && s.GetProperty("ratioPerSecond").GetDouble() > 0,
                "every end-to-end figure is set against its floors"));

            var ingest = json.RootElement.GetProperty("ingest");
            Assert.Equal(24, ingest.GetProperty("accepted").GetInt32());
            Assert.Equal(24, ingest.GetProperty("completed").GetInt32());
            Assert.Equal(0, ingest.GetProperty("lost").GetInt32());
            Assert.Equal(0, ingest.GetProperty("duplicates").GetInt32());

            var svg = await File.ReadAllTextAsync(Path.Combine(output.FullName, "latest", "bench.svg"), timeout.Token);
            Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
            Assert.Contains("<title>floor ", svg, StringComparison.Ordinal);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
