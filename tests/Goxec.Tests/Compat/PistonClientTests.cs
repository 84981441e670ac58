using System.Diagnostics;
using System.Text.Json;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Compat;

/// <summary>
/// A real Piston client, unchanged, against Goxec: npm's <c>piston-client</c> (pinned) installed into a temp
/// dir and pointed at the graph. It sends no key (anonymous caller) and a text/plain body, as it does for Piston.
/// </summary>
[Collection(CompatCollection.Name)]
public class PistonClientTests(CompatGraphFixture graph)
{
    private const string Package = "piston-client@1.0.2";

    [Fact]
    public async Task The_npm_piston_client_runs_a_program()
    {
        var node = Prerequisite.RequireExecutable("node", "install Node.js");
        var npm = Prerequisite.RequireExecutable("npm", "install Node.js");
        var dir = Directory.CreateTempSubdirectory("goxec-piston-client-");
        try
        {
            var (installed, installLog) = await RunAsync(npm, ["install", "--no-audit", "--no-fund", "--prefix", dir.FullName, Package], dir.FullName);
            Prerequisite.Require(installed == 0, $"{Package} from the npm registry", installLog);
            var script = Path.Combine(dir.FullName, "run.mjs");
            await File.WriteAllTextAsync(script, """
                import piston from "piston-client";
                const client = piston({ server: process.argv[2] });
                const result = await client.execute("python", "import sys\nprint(input(), *sys.argv[1:])", { stdin: "hi", args: ["a", "b"] });
                console.log(JSON.stringify(result));
                """, TestContext.Current.CancellationToken);

            var server = graph.Http.BaseAddress!.ToString().TrimEnd('/');
            var (exit, output) = await RunAsync(node, [script, server], dir.FullName);

            Assert.True(exit == 0, output);
            var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
            Assert.True(result.TryGetProperty("run", out var run), output);
            Assert.Equal("python", result.GetProperty("language").GetString());
            Assert.Equal("hi a b\n", run.GetProperty("stdout").GetString());
            Assert.Equal(0, run.GetProperty("code").GetInt32());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        return (process.ExitCode, await stdout + await stderr);
    }
}
