using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Infrastructure;

/// <summary>
/// The sandbox driver the graph tests run under: <c>GOXEC_TEST_DRIVER=docker|namespaces</c> (default docker).
/// Every graph fixture passes it to its workers as <c>Sandbox__Driver</c>, so the hostile, language and
/// reliability suites run unchanged under either; <c>./goxec test</c> runs them under both.
/// </summary>
public static class TestDriver
{
    public static string Current { get; } = Environment.GetEnvironmentVariable("GOXEC_TEST_DRIVER") is { Length: > 0 } driver ? driver : SandboxDrivers.Docker;

    public static bool Namespaces => Current == SandboxDrivers.Namespaces;

    /// <summary>
    /// What a graph's workers need for a driver: on the namespace driver, the root filesystems of the languages
    /// the suites run (runtimes/CORE; every built one with --all-languages) exported before the graph is ready.
    /// </summary>
    public static Dictionary<string, string> Settings(string driver)
    {
        var settings = new Dictionary<string, string> { ["Sandbox__Driver"] = driver };
        if (driver == SandboxDrivers.Namespaces)
            settings["Sandbox__Namespaces__Prewarm"] = Environment.GetEnvironmentVariable("GOXEC_TEST_ALL_LANGUAGES") == "1"
                ? "*"
                : string.Join(',', File.ReadLines(Path.Combine(AppContext.BaseDirectory, "runtimes", "CORE")).Where(l => !l.StartsWith('#'))
                    .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return settings;
    }

    /// <summary>Fails (CI) or skips (locally) when this run's driver cannot work on this host.</summary>
    public static void RequirePrerequisites(string? driver = null)
    {
        if ((driver ?? Current) != SandboxDrivers.Namespaces) return;
        Prerequisite.RequireExecutable("bwrap", "apt-get install bubblewrap");
        Prerequisite.Require(Environment.UserName == "root", "root (the namespace driver makes cgroups and drops to its own uids)", "run the tests as root");
    }
}
