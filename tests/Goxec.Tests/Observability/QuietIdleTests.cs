using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.AppHost;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Observability;

/// <summary>
/// A fresh graph left idle for a minute with runtime images missing (as on a first <c>./goxec up</c>) says so once per
/// worker and on /health, and repeats no warning while its health is probed every few seconds.
/// </summary>
public class QuietIdleTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_idle_graph_with_missing_images_reports_them_once_and_on_health_and_repeats_no_warning()
    {
        Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        Prerequisite.RequireDocker();
        var languages = LanguagesWithAGhost();
        var output = new LineCollector();
        try
        {
            await using var app = await Goxec.Graph.RunningGraph.StartAsync(new GoxecGraphOptions
            {
                ApiPort = 0, Workers = 2, BuildWeb = false,
                Environment = new Dictionary<string, string> { ["Languages__Path"] = languages },
            }, new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token, log: output).WaitAsync(TimeSpan.FromMinutes(4), Ct);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

            // Idle, apart from health probes: the orchestrator's and ours, every 3 s like a load balancer's.
            var until = DateTime.UtcNow + Idle;
            var probes = 0;
            JsonElement health = default;
            while (DateTime.UtcNow < until)
            {
                foreach (var worker in app.GetReplicas("worker"))
                {
                    using var response = await http.GetAsync(new Uri(worker.Endpoint!, "/health"), Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);
                    Assert.True(response.IsSuccessStatusCode, $"{worker.Name} /health answered {(int)response.StatusCode}");
                    health = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                    probes++;
                }
                await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            }

            var sandbox = health.GetProperty("checks").GetProperty("sandbox");
            Assert.Equal("Healthy", sandbox.GetProperty("status").GetString());
            Assert.Contains("ghost", sandbox.GetProperty("data").GetProperty("missingImages").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("missing: ", sandbox.GetProperty("description").GetString());
            Assert.True(probes >= 30, $"only {probes} probes");
        }
        finally
        {
            Directory.Delete(languages, recursive: true);
        }

        var warnings = output.Warnings();
        foreach (var worker in new[] { "worker-0", "worker-1" })
            Assert.Single(warnings, w => w.Source == worker && w.Message.Contains("runtime images are not built") && w.Message.Contains("ghost"));
        var repeated = warnings.GroupBy(w => (w.Source, w.Message)).Where(g => g.Count() > 1).Select(g => $"{g.Count()}× {g.Key.Source}: {g.Key.Message}").ToList();
        Assert.True(repeated.Count == 0, "repeated warnings:\n" + string.Join('\n', repeated));
    }

    /// <summary>The real catalog plus "ghost", whose image is never built.</summary>
    private static string LanguagesWithAGhost()
    {
        var directory = Directory.CreateTempSubdirectory("goxec-languages-").FullName;
        foreach (var descriptor in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "runtimes"), "runtime.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetFileName(Path.GetDirectoryName(descriptor)!));
            Directory.CreateDirectory(target);
            File.Copy(descriptor, Path.Combine(target, "runtime.yaml"));
        }
        Directory.CreateDirectory(Path.Combine(directory, "ghost"));
        File.WriteAllText(Path.Combine(directory, "ghost", "runtime.yaml"), "id: ghost\nname: Ghost\nfile: main.txt\nrun: [cat, main.txt]\n");
        return directory;
    }

    /// <summary>The graph's interleaved output ("name | line"), read back as the warn/fail entries of each process.</summary>
    private sealed class LineCollector : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly System.Text.StringBuilder _partial = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value != '\n') { _partial.Append(value); return; }
                _lines.Enqueue(_partial.ToString());
                _partial.Clear();
            }
        }

        /// <summary>Each "warn:"/"fail:" entry: its process and its message (the console logger's next line).</summary>
        public List<(string Source, string Message)> Warnings()
        {
            var lines = _lines.Select(l => l.Split(" | ", 2)).Where(p => p.Length == 2).Select(p => (Source: p[0].Trim(), Text: p[1])).ToList();
            var warnings = new List<(string, string)>();
            for (var i = 0; i < lines.Count; i++)
            {
                if (!lines[i].Text.StartsWith("warn:") && !lines[i].Text.StartsWith("fail:")) continue;
                var message = lines.Skip(i + 1).FirstOrDefault(l => l.Source == lines[i].Source).Text?.Trim() ?? "";
                warnings.Add((lines[i].Source, message));
            }
            return warnings;
        }
    }
}
