using System.Buffers.Binary;
using System.Text;

namespace Goxec.Docker;

/// <summary>
/// Splits the Engine's multiplexed stdout/stderr stream (non-TTY attach and exec) into frames.
/// Each frame is an 8-byte header [stream type, 0, 0, 0, big-endian uint32 size] then the payload.
/// </summary>
/// <remarks>
/// Allocation: the header buffer is reused and payloads are read straight from the stream into
/// one exactly-sized array per frame, with no intermediate copies. That array is the frame's
/// data, which the caller owns (it may keep it past the next read), so it cannot be pooled.
/// </remarks>
public sealed class DockerStreamDemultiplexer(Stream stream, ReadOnlyMemory<byte> alreadyRead = default, int maxFrameSize = DockerStreamDemultiplexer.DefaultMaxFrameSize)
{
    /// <summary>The Engine writes at most 32 KiB per frame; far beyond that means a corrupt stream.</summary>
    public const int DefaultMaxFrameSize = 1024 * 1024;

    private const int HeaderSize = 8;
    private const byte SystemError = 3; // the Engine's own error, sent in-band (stdcopy.Systemerr)

    private readonly byte[] _header = new byte[HeaderSize];
    private ReadOnlyMemory<byte> _pending = alreadyRead;

    /// <summary>The next frame, or null at a clean end of stream (EOF on a frame boundary).</summary>
    /// <exception cref="InvalidDataException">The stream is not a multiplexed stream, or ends mid-frame.</exception>
    public async ValueTask<OutputFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        var headerRead = await ReadAtLeastAsync(_header, cancellationToken);
        if (headerRead == 0) return null;
        if (headerRead < HeaderSize)
            throw new InvalidDataException($"The Docker stream ended inside a frame header ({headerRead} of {HeaderSize} bytes).");

        var type = _header[0];
        if (type > SystemError || _header[1] != 0 || _header[2] != 0 || _header[3] != 0)
            throw new InvalidDataException($"Not a Docker multiplexed stream: header {Convert.ToHexString(_header)}. Was the exec created with a TTY?");
        var size = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        if (size > (uint)maxFrameSize)
            throw new InvalidDataException($"Docker stream frame of {size} bytes exceeds the {maxFrameSize}-byte limit.");

        var data = size == 0 ? [] : new byte[size];
        var dataRead = await ReadAtLeastAsync(data, cancellationToken);
        if (dataRead < data.Length)
            throw new InvalidDataException($"The Docker stream ended inside a frame ({dataRead} of {size} bytes).");

        if (type == SystemError) throw new DockerException(500, Encoding.UTF8.GetString(data).Trim());
        return new OutputFrame((OutputStream)type, data);
    }

    /// <summary>Fills the buffer (first from bytes read ahead of the stream), stopping early only at end of stream.</summary>
    private async ValueTask<int> ReadAtLeastAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        if (!_pending.IsEmpty)
        {
            filled = Math.Min(_pending.Length, buffer.Length);
            _pending[..filled].CopyTo(buffer);
            _pending = _pending[filled..];
        }
        if (filled < buffer.Length)
            filled += await stream.ReadAtLeastAsync(buffer[filled..], buffer.Length - filled, throwOnEndOfStream: false, ct);
        return filled;
    }
}
