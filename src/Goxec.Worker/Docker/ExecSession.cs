using System.Net.Sockets;

namespace Goxec.Docker;

/// <summary>An attached exec over a hijacked connection: stdin goes out raw, output comes back multiplexed.</summary>
internal sealed class ExecSession : IExecSession
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly DockerStreamDemultiplexer _demultiplexer;
    private int _stdinClosed;

    public ExecSession(Socket socket, ReadOnlyMemory<byte> alreadyRead)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _demultiplexer = new DockerStreamDemultiplexer(_stream, alreadyRead);
    }

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _stdinClosed) != 0) throw new InvalidOperationException("Stdin is already closed.");
        await _stream.WriteAsync(data, cancellationToken);
    }

    public Task CloseStdinAsync(CancellationToken cancellationToken = default)
    {
        // Half-close: the Engine sees EOF and closes the process's stdin, while output keeps flowing to us.
        if (Interlocked.Exchange(ref _stdinClosed, 1) == 0) _socket.Shutdown(SocketShutdown.Send);
        return Task.CompletedTask;
    }

    public async Task<OutputFrame?> ReadFrameAsync(CancellationToken cancellationToken = default) =>
        await _demultiplexer.ReadFrameAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        // Closing the connection does not stop the process; the caller kills or removes the container.
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
