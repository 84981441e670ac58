namespace Goxec.Tests.Infrastructure;

/// <summary>
/// Tests that need a real server say so here. Locally a missing prerequisite skips the test
/// with a message naming it; in CI (CI=true) it fails, because a skipped test proves nothing.
/// </summary>
public static class Prerequisite
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is "true" or "1";

    public static void Require(bool available, string what, string howToGet)
    {
        if (available) return;
        var message = $"{what} is not available ({howToGet}).";
        if (InCi) Assert.Fail(message + " CI must provide it; .ci/run installs and starts it.");
        Assert.Skip(message);
    }

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static string RequireExecutable(string name, string howToGet)
    {
        var path = FindOnPath(name);
        Require(path is not null, $"'{name}'", howToGet);
        return path!;
    }

    public static void RequireDocker()
    {
        var socket = Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";
        Require(File.Exists(socket) && CanConnect(socket), "the Docker daemon", "install docker.io and start dockerd, or run ./goxec test");
    }

    private static bool CanConnect(string socketPath)
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
