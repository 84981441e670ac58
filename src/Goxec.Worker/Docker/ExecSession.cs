using System.Runtime.InteropServices;
using Docker.DotNet;

namespace Goxec.Docker;

/// <summary>An attached exec over Docker.DotNet's multiplexed stream: stdin goes out raw, output comes back framed.</summary>
internal sealed class ExecSession(MultiplexedStream stream) : IExecSession
{
    /// <summary>The largest chunk one read returns; a bigger frame comes back in several.</summary>
    private const int ChunkBytes = 64 * 1024;
    private readonly byte[] _buffer = new byte[ChunkBytes];
    private int _stdinClosed;

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _stdinClosed) != 0) throw new InvalidOperationException("Stdin is already closed.");
        var segment = MemoryMarshal.TryGetArray(data, out var array) ? array : new ArraySegment<byte>(data.ToArray());
        await stream.WriteAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken);
    }

    public Task CloseStdinAsync(CancellationToken cancellationToken = default)
    {
        // Half-close: the Engine sees EOF and closes the process's stdin, while output keeps flowing to us.
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0) stream.CloseWrite();
        return Task.CompletedTask;
    }

    public async Task<OutputFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var read = await stream.ReadOutputAsync(_buffer, 0, _buffer.Length, cancellationToken);
        if (read.EOF) return null;
        // A copy: the caller owns the frame's bytes, and the buffer is reused for the next read.
        return new OutputFrame((OutputStream)read.Target, _buffer.AsSpan(0, read.Count).ToArray());
    }

    public ValueTask DisposeAsync()
    {
        // Closing the connection does not stop the process; the caller kills or removes the container.
        stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
