namespace Goxec.Redis;

/// <summary>One argument of a command, always sent as a bulk string.</summary>
public readonly struct RedisArg
{
    public ReadOnlyMemory<byte> Bytes { get; }

    private RedisArg(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public static implicit operator RedisArg(string value) => new(System.Text.Encoding.UTF8.GetBytes(value));
    public static implicit operator RedisArg(byte[] value) => new(value);
    public static implicit operator RedisArg(ReadOnlyMemory<byte> value) => new(value);
    public static implicit operator RedisArg(long value) => new(System.Text.Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    public static implicit operator RedisArg(int value) => (long)value;
    public static implicit operator RedisArg(double value) => new(System.Text.Encoding.ASCII.GetBytes(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Bytes.Span);
}
