using System.Net.Sockets;
using System.Text;

namespace Goxec.Tests.Hosting;

internal static class HostingTestSupport
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The test's token, cancelled after <see cref="TestTimeout"/> as well.</summary>
    public static CancellationToken TimeoutToken()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TestTimeout);
        return cts.Token;
    }

    /// <summary>Alive means present in /proc and not a zombie (a container's PID 1 may never reap).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static int[] ReadPids(string file) =>
        [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse)];
}

/// <summary>Just enough RESP over a raw socket to check the server, independent of our client.</summary>
internal sealed class RawRedis(int port) : IDisposable
{
    private readonly TcpClient _client = new("127.0.0.1", port);
    private StreamReader? _reader;

    public async Task<string> CommandAsync(CancellationToken ct, params string[] args)
    {
        var request = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args) request.Append($"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        var stream = _client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);
        _reader ??= new StreamReader(stream, Encoding.UTF8);
        return await ReadReplyAsync(ct);
    }

    // Flattens replies to text: arrays as space-separated items, null as "(nil)".
    private async Task<string> ReadReplyAsync(CancellationToken ct)
    {
        var line = await _reader!.ReadLineAsync(ct) ?? throw new IOException("Connection closed.");
        switch (line[0])
        {
            case '$' when line == "$-1":
                return "(nil)";
            case '$':
                var value = await _reader.ReadLineAsync(ct);
                return value!;
            case '*':
                var items = new List<string>();
                for (var i = 0; i < int.Parse(line[1..]); i++) items.Add(await ReadReplyAsync(ct));
                return string.Join(' ', items);
            default:
                return line;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Shows orchestrator output in the test's output, tolerating writes after the test ended.</summary>
internal sealed class TestOutputWriter : StringWriter
{
    private readonly Lock _lock = new();

    public override string ToString()
    {
        lock (_lock) return base.ToString();
    }

    public override void WriteLine(string? value)
    {
        lock (_lock) base.WriteLine(value);
        try { TestContext.Current.TestOutputHelper?.WriteLine(value ?? ""); }
        catch (InvalidOperationException) { }
    }
}
