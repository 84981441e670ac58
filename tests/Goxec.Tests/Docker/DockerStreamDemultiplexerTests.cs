using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

public sealed class DockerStreamDemultiplexerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_stdout_and_stderr_frames_delivered_one_byte_at_a_time()
    {
        var bytes = Frame(1, "hello ").Concat(Frame(2, "oops")).Concat(Frame(1, "world")).ToArray();
        var demux = new DockerStreamDemultiplexer(new TrickleStream(bytes));

        var frames = await ReadAllAsync(demux);

        Assert.Equal(
            [(OutputStream.Stdout, "hello "), (OutputStream.Stderr, "oops"), (OutputStream.Stdout, "world")],
            frames);
    }

    [Fact]
    public async Task Uses_bytes_read_ahead_before_the_stream()
    {
        var bytes = Frame(1, "first").Concat(Frame(2, "second")).ToArray();
        // Split inside the second header, as a hijack handshake might.
        var demux = new DockerStreamDemultiplexer(new TrickleStream(bytes[16..]), bytes.AsMemory(0, 16));

        Assert.Equal([(OutputStream.Stdout, "first"), (OutputStream.Stderr, "second")], await ReadAllAsync(demux));
    }

    [Fact]
    public async Task Empty_frame_and_clean_end_of_stream()
    {
        var demux = new DockerStreamDemultiplexer(new MemoryStream(Frame(1, "")));

        var frame = await demux.ReadFrameAsync(Ct);

        Assert.NotNull(frame);
        Assert.True(frame.Data.IsEmpty);
        Assert.Null(await demux.ReadFrameAsync(Ct));
        Assert.Null(await demux.ReadFrameAsync(Ct));
    }

    [Fact]
    public async Task Truncated_header_at_end_of_stream_is_an_error()
    {
        var demux = new DockerStreamDemultiplexer(new TrickleStream([.. Frame(1, "ok"), 1, 0, 0]));

        Assert.NotNull(await demux.ReadFrameAsync(Ct));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await demux.ReadFrameAsync(Ct));
    }

    [Fact]
    public async Task Truncated_payload_is_an_error()
    {
        var demux = new DockerStreamDemultiplexer(new MemoryStream(Frame(1, "hello")[..10]));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await demux.ReadFrameAsync(Ct));
    }

    [Theory]
    [InlineData(new byte[] { 7, 0, 0, 0, 0, 0, 0, 1 })] // unknown stream type
    [InlineData(new byte[] { 1, 9, 0, 0, 0, 0, 0, 1 })] // non-zero padding
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0, 0, 1 })] // raw TTY output
    public async Task Rejects_what_is_not_a_multiplexed_stream(byte[] header)
    {
        var demux = new DockerStreamDemultiplexer(new MemoryStream([.. header, 0]));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await demux.ReadFrameAsync(Ct));
    }

    [Fact]
    public async Task Rejects_oversize_frames_before_reading_them()
    {
        var header = new byte[] { 1, 0, 0, 0, 0, 0x10, 0, 1 }; // 1 MiB + 1
        var demux = new DockerStreamDemultiplexer(new MemoryStream(header));

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await demux.ReadFrameAsync(Ct));
        Assert.Contains("1048577", error.Message);
    }

    [Fact]
    public async Task Engine_error_frame_becomes_a_DockerException()
    {
        var demux = new DockerStreamDemultiplexer(new MemoryStream(Frame(3, "exec failed\n")));

        var error = await Assert.ThrowsAsync<DockerException>(async () => await demux.ReadFrameAsync(Ct));
        Assert.Equal("exec failed", error.Message);
    }

    internal static byte[] Frame(byte type, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var size = payload.Length;
        return [type, 0, 0, 0, (byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size, .. payload];
    }

    private static async Task<List<(OutputStream, string)>> ReadAllAsync(DockerStreamDemultiplexer demux)
    {
        var frames = new List<(OutputStream, string)>();
        while (await demux.ReadFrameAsync(Ct) is { } frame)
            frames.Add((frame.Stream, Encoding.UTF8.GetString(frame.Data.Span)));
        return frames;
    }

    /// <summary>Returns one byte per read, the worst case a socket can produce.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, 1), cancellationToken);
    }
}
