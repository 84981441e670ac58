using System.Globalization;
using System.Text;

namespace Goxec.Redis;

public enum RespType
{
    SimpleString, Error, Integer, BulkString, Array, Null,
    Double, Boolean, BigNumber, VerbatimString, Map, Set, Push,
}

/// <summary>
/// One reply, RESP2 or RESP3. RESP2's null bulk string and null array both read as
/// <see cref="RespType.Null"/>, so callers see one kind of null whatever the protocol.
/// </summary>
public sealed class RespValue
{
    private static readonly IReadOnlyList<RespValue> NoElements = [];

    public static readonly RespValue Null = new(RespType.Null);

    public RespType Type { get; }
    public bool IsNull => Type == RespType.Null;
    public bool IsError => Type == RespType.Error;

    private readonly byte[]? _bytes;
    private readonly long _integer;
    private readonly double _double;
    private readonly IReadOnlyList<RespValue>? _elements;

    private RespValue(RespType type, byte[]? bytes = null, long integer = 0, double @double = 0, IReadOnlyList<RespValue>? elements = null)
    {
        Type = type;
        _bytes = bytes;
        _integer = integer;
        _double = @double;
        _elements = elements;
    }

    public static RespValue Simple(string text) => new(RespType.SimpleString, Encoding.UTF8.GetBytes(text));
    public static RespValue Error(string text) => new(RespType.Error, Encoding.UTF8.GetBytes(text));
    public static RespValue Integer(long value) => new(RespType.Integer, integer: value);
    public static RespValue Bulk(byte[] bytes) => new(RespType.BulkString, bytes);
    public static RespValue Verbatim(byte[] bytes) => new(RespType.VerbatimString, bytes);
    public static RespValue BigNumber(string digits) => new(RespType.BigNumber, Encoding.ASCII.GetBytes(digits));
    public static RespValue Double(double value) => new(RespType.Double, @double: value);
    public static RespValue Boolean(bool value) => new(RespType.Boolean, integer: value ? 1 : 0);
    public static RespValue Aggregate(RespType type, IReadOnlyList<RespValue> elements) => type switch
    {
        RespType.Array or RespType.Set or RespType.Push or RespType.Map => new(type, elements: elements),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an aggregate type"),
    };

    /// <summary>Text of a string-like reply (or a number as text); null for a null reply.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Double => _double.ToString("R", CultureInfo.InvariantCulture),
        RespType.Boolean => _integer == 1 ? "1" : "0",
        RespType.VerbatimString when _bytes!.Length >= 4 && _bytes[3] == (byte)':' => Encoding.UTF8.GetString(_bytes, 4, _bytes.Length - 4),
        RespType.Array or RespType.Set or RespType.Push or RespType.Map => throw Mismatch("a string"),
        _ => Encoding.UTF8.GetString(_bytes!),
    };

    /// <summary>Raw bytes of a string-like reply; null for a null reply.</summary>
    public byte[]? AsBytes() => Type switch
    {
        RespType.Null => null,
        RespType.SimpleString or RespType.Error or RespType.BulkString or RespType.VerbatimString or RespType.BigNumber => _bytes,
        _ => Encoding.UTF8.GetBytes(AsString()!),
    };

    public long AsInt64() => Type switch
    {
        RespType.Integer or RespType.Boolean => _integer,
        RespType.SimpleString or RespType.BulkString or RespType.BigNumber
            when long.TryParse(_bytes, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw Mismatch("an integer"),
    };

    public double AsDouble() => Type switch
    {
        RespType.Double => _double,
        RespType.Integer => _integer,
        RespType.SimpleString or RespType.BulkString
            when double.TryParse(Encoding.ASCII.GetString(_bytes!), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw Mismatch("a number"),
    };

    public bool AsBoolean() => Type switch
    {
        RespType.Boolean or RespType.Integer => _integer != 0,
        _ => throw Mismatch("a boolean"),
    };

    /// <summary>
    /// Elements of an array, set or push reply; a map's keys and values interleaved.
    /// A null reply reads as empty, which is what every caller wants (e.g. XREAD timing out).
    /// </summary>
    public IReadOnlyList<RespValue> AsArray() => Type switch
    {
        RespType.Null => NoElements,
        RespType.Array or RespType.Set or RespType.Push or RespType.Map => _elements!,
        _ => throw Mismatch("an array"),
    };

    /// <summary>A RESP3 map, or a RESP2 flat array of field/value pairs (HGETALL), as a dictionary.</summary>
    public IReadOnlyDictionary<string, RespValue> AsMap()
    {
        var items = AsArray();
        if (items.Count % 2 != 0) throw Mismatch("a map (odd number of elements)");
        var map = new Dictionary<string, RespValue>(items.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i += 2) map[items[i].AsString() ?? ""] = items[i + 1];
        return map;
    }

    /// <summary>The message of an error reply.</summary>
    public string ErrorMessage => IsError ? Encoding.UTF8.GetString(_bytes!) : throw Mismatch("an error");

    private InvalidCastException Mismatch(string wanted) => new($"Redis reply is {Type}, not {wanted}.");

    public override string ToString() => Type switch
    {
        RespType.Null => "(nil)",
        RespType.Array or RespType.Set or RespType.Push or RespType.Map => $"{Type}[{_elements!.Count}]",
        RespType.Error => $"(error) {ErrorMessage}",
        _ => AsString() ?? "",
    };
}
