using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Goxec.Redis;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings straight into the output buffer, so
/// sending a command allocates nothing beyond the argument bytes the caller already made.
/// </summary>
internal static class RespWriter
{
    public static void Write(IBufferWriter<byte> output, RedisCommand command)
    {
        // "XGROUP CREATE" as a name is a natural thing to write; Redis wants two bulk strings.
        var name = command.Name.AsSpan();
        var words = 0;
        foreach (var range in name.Split(' '))
            if (!name[range].IsEmpty) words++;
        if (words == 0) throw new ArgumentException("A Redis command needs a name.", nameof(command));

        WriteHeader(output, (byte)'*', words + command.Args.Length);
        foreach (var range in name.Split(' '))
            if (!name[range].IsEmpty) WriteBulk(output, name[range]);
        foreach (var arg in command.Args)
            WriteBulk(output, arg.Bytes.Span);
    }

    private static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteHeader(output, (byte)'$', length);
        var span = output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(text, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        output.Advance(length + 2);
    }

    private static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(output, (byte)'$', bytes.Length);
        output.Write(bytes);
        output.Write("\r\n"u8);
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, long count)
    {
        var span = output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        output.Advance(written + 3);
    }
}
