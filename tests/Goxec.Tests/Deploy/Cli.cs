using System.Diagnostics;

namespace Goxec.Tests.Deploy;

/// <summary>Runs a command line tool to the end (with a timeout) and returns its exit code and output.</summary>
internal static class Cli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string file, string directory, params string[] arguments) =>
        RunAsync(file, directory, TimeSpan.FromMinutes(3), null, arguments);

    /// <summary>Fails the test with the tool's output unless it exits 0.</summary>
    public static async Task<string> CheckAsync(string file, string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(file, directory, timeout, environment, arguments);
        Assert.True(exitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {exitCode}:\n{output}");
        return output;
    }
}
