using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Goxec.Tests.Infrastructure;

/// <summary>
/// A throwaway redis-server on a free loopback port with its own temp directory. Tests that
/// need Redis start one themselves; StopAsync/RestartAsync simulate a crash and recovery.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(10);

    private readonly string _executable;
    private readonly string _directory;
    private readonly bool _appendOnly;
    private readonly string? _password;
    private Process? _process;

    private RedisServer(string executable, string directory, int port, bool appendOnly, string? password)
    {
        (_executable, _directory, Port, _appendOnly, _password) = (executable, directory, port, appendOnly, password);
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port", plus ",password=…" when the server requires one.</summary>
    public string ConnectionString => _password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={_password}";

    /// <summary>
    /// Starts a server. With <paramref name="appendOnly"/>, every write is in the AOF, fsynced, before its reply
    /// (<c>appendfsync always</c>), so a kill loses nothing acknowledged. (With <c>everysec</c> even a killed
    /// process can lose up to two seconds of acknowledged writes: while a background fsync is slow, Redis keeps
    /// new writes in its own buffer and answers anyway.)
    /// </summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false, CancellationToken ct = default, string? password = null)
    {
        var executable = Prerequisite.RequireExecutable("redis-server", "apt-get install redis-server");
        var directory = Directory.CreateTempSubdirectory("goxec-redis-").FullName;
        // Another test may grab the port between our probe and redis binding it; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(executable, directory, FreePort(), appendOnly, password);
            try
            {
                await server.StartProcessAsync(ct);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server._process?.HasExited == true)
            {
                server._process.Dispose();
            }
        }
    }

    /// <summary>SIGKILL, like a crash: no shutdown save, the directory stays for RestartAsync.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(StartupTimeout);
        _process.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { } // a leftover temp dir is not worth failing a test over
    }

    private async Task StartProcessAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo(_executable) { UseShellExecute = false };
        string[] args = ["--port", $"{Port}", "--bind", "127.0.0.1", "--dir", _directory, "--save", "",
            "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no", "--logfile", LogPath];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (_password is not null) { start.ArgumentList.Add("--requirepass"); start.ArgumentList.Add(_password); }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        await WaitUntilAnsweringAsync(ct);
    }

    private string LogPath => Path.Combine(_directory, "redis.log");

    private async Task WaitUntilAnsweringAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(StartupTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {LogTail()}");
            if (await AnswersPingAsync(ct)) return;
            await Task.Delay(25, ct);
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartupTimeout}: {LogTail()}");
    }

    private async Task<bool> AnswersPingAsync(CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            // "+PONG", or "-NOAUTH" when a password is required: either way it is serving.
            return read > 0 && buffer[0] is (byte)'+' or (byte)'-';
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private string LogTail() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(10)) : "(no log)";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
