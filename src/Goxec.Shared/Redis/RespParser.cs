using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Goxec.Redis;

/// <summary>
/// Incremental RESP2/RESP3 parser. <see cref="TryParse"/> either consumes one whole reply or
/// consumes nothing and returns false ("need more data"), so it works with any read boundaries.
/// An incomplete reply is parsed again from its start when more bytes arrive; replies are small
/// enough that this is cheaper than keeping resumable state.
/// </summary>
internal static class RespParser
{
    public const long MaxBulkLength = 512L * 1024 * 1024;
    public const long MaxAggregateCount = 10_000_000;
    private const int MaxLineLength = 1024 * 1024;
    private const int MaxDepth = 128;

    public static bool TryParse(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out RespValue? value)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryRead(ref reader, 0, out value)) return false;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryRead(ref SequenceReader<byte> reader, int depth, [NotNullWhen(true)] out RespValue? value)
    {
        value = null;
        if (depth > MaxDepth) throw new RedisProtocolException($"Reply nests deeper than {MaxDepth} levels.");
        if (!reader.TryRead(out var type)) return false;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            // Without this a peer that never sends CRLF would make us buffer forever.
            if (reader.Remaining > MaxLineLength) throw new RedisProtocolException("Reply line is longer than 1 MB.");
            return false;
        }

        switch (type)
        {
            case (byte)'+': value = RespValue.Simple(Text(line)); return true;
            case (byte)'-': value = RespValue.Error(Text(line)); return true;
            case (byte)':': value = RespValue.Integer(Number(line)); return true;
            case (byte)'(': value = RespValue.BigNumber(Text(line)); return true;
            case (byte)',': value = RespValue.Double(ParseDouble(Text(line))); return true;
            case (byte)'_': value = RespValue.Null; return true;
            case (byte)'#':
                value = Text(line) switch
                {
                    "t" => RespValue.Boolean(true),
                    "f" => RespValue.Boolean(false),
                    var other => throw new RedisProtocolException($"Invalid RESP3 boolean '{other}'."),
                };
                return true;
            case (byte)'$' or (byte)'=' or (byte)'!':
                return TryReadBlob(ref reader, type, Number(line), out value);
            case (byte)'*': return TryReadAggregate(ref reader, RespType.Array, Number(line), 1, depth, out value);
            case (byte)'~': return TryReadAggregate(ref reader, RespType.Set, Number(line), 1, depth, out value);
            case (byte)'>': return TryReadAggregate(ref reader, RespType.Push, Number(line), 1, depth, out value);
            case (byte)'%': return TryReadAggregate(ref reader, RespType.Map, Number(line), 2, depth, out value);
            case (byte)'|':
                // RESP3 attributes describe the reply that follows; nobody here uses them.
                return TryReadAggregate(ref reader, RespType.Map, Number(line), 2, depth, out _)
                    && TryRead(ref reader, depth, out value);
            default:
                throw new RedisProtocolException($"Unknown RESP type byte 0x{type:X2}.");
        }
    }

    private static bool TryReadBlob(ref SequenceReader<byte> reader, byte type, long length, out RespValue? value)
    {
        value = null;
        if (length == -1 && type == (byte)'$') { value = RespValue.Null; return true; }
        if (length is < 0 or > MaxBulkLength) throw new RedisProtocolException($"Invalid bulk length {length}.");
        if (reader.Remaining < length + 2) return false;

        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true)) throw new RedisProtocolException("Bulk string is not followed by CRLF.");
        value = type switch
        {
            (byte)'=' => RespValue.Verbatim(bytes),
            (byte)'!' => RespValue.Error(Encoding.UTF8.GetString(bytes)),
            _ => RespValue.Bulk(bytes),
        };
        return true;
    }

    private static bool TryReadAggregate(ref SequenceReader<byte> reader, RespType type, long count, int perEntry, int depth, out RespValue? value)
    {
        value = null;
        if (count == -1 && type == RespType.Array) { value = RespValue.Null; return true; }
        if (count is < 0 or > MaxAggregateCount) throw new RedisProtocolException($"Invalid aggregate count {count}.");

        var total = count * perEntry;
        // Grow as elements arrive rather than trusting the announced count with memory.
        var elements = new List<RespValue>((int)Math.Min(total, 1024));
        for (var i = 0; i < total; i++)
        {
            if (!TryRead(ref reader, depth + 1, out var element)) return false;
            elements.Add(element);
        }
        value = RespValue.Aggregate(type, elements);
        return true;
    }

    private static long Number(ReadOnlySequence<byte> line)
    {
        Span<byte> copy = stackalloc byte[24];
        if (line.Length is 0 or > 24) throw new RedisProtocolException("Invalid number in reply header.");
        line.CopyTo(copy);
        var digits = copy[..(int)line.Length];
        if (!Utf8Parser.TryParse(digits, out long number, out var consumed) || consumed != digits.Length)
            throw new RedisProtocolException($"Invalid number '{Encoding.ASCII.GetString(digits)}' in reply.");
        return number;
    }

    private static double ParseDouble(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "-nan" => double.NaN,
        _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new RedisProtocolException($"Invalid RESP3 double '{text}'."),
    };

    private static string Text(ReadOnlySequence<byte> line) => Encoding.UTF8.GetString(line);
}
