using System.Buffers;
using System.Text;
using Goxec.Redis;

namespace Goxec.Tests.Redis;

public sealed class RespParserTests
{
    [Theory]
    [InlineData("+OK\r\n", RespType.SimpleString, "OK")]
    [InlineData("-ERR wrong\r\n", RespType.Error, "(error) ERR wrong")]
    [InlineData(":-42\r\n", RespType.Integer, "-42")]
    [InlineData("$5\r\nhello\r\n", RespType.BulkString, "hello")]
    [InlineData("$0\r\n\r\n", RespType.BulkString, "")]
    [InlineData("$-1\r\n", RespType.Null, "(nil)")]
    [InlineData("*-1\r\n", RespType.Null, "(nil)")]
    [InlineData("_\r\n", RespType.Null, "(nil)")]
    [InlineData(",3.5\r\n", RespType.Double, "3.5")]
    [InlineData("#t\r\n", RespType.Boolean, "1")]
    [InlineData("#f\r\n", RespType.Boolean, "0")]
    [InlineData("(3492890328409238509324850943850943825024385\r\n", RespType.BigNumber, "3492890328409238509324850943850943825024385")]
    [InlineData("=15\r\ntxt:Some string\r\n", RespType.VerbatimString, "Some string")]
    [InlineData("!9\r\nERR oops!\r\n", RespType.Error, "(error) ERR oops!")]
    public void Parses_every_scalar_type(string wire, RespType type, string text)
    {
        var value = ParseOne(wire);

        Assert.Equal(type, value.Type);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData(",inf\r\n", double.PositiveInfinity)]
    [InlineData(",-inf\r\n", double.NegativeInfinity)]
    [InlineData(",nan\r\n", double.NaN)]
    [InlineData(",1e3\r\n", 1000.0)]
    public void Parses_special_doubles(string wire, double expected) => Assert.Equal(expected, ParseOne(wire).AsDouble());

    [Fact]
    public void Parses_bulk_strings_as_raw_bytes()
    {
        var value = ParseOne("$4\r\n\0\r\n\xff\r\n", Encoding.Latin1);

        Assert.Equal(new byte[] { 0, 13, 10, 255 }, value.AsBytes());
    }

    [Fact]
    public void Keeps_errors_nested_in_arrays_as_values()
    {
        var value = ParseOne("*3\r\n+OK\r\n-ERR inner\r\n*2\r\n:1\r\n*1\r\n$-1\r\n");

        var items = value.AsArray();
        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal("OK", items[0].AsString());
        Assert.Equal("ERR inner", items[1].ErrorMessage);
        Assert.Equal(1, items[2].AsArray()[0].AsInt64());
        Assert.True(items[2].AsArray()[1].AsArray()[0].IsNull);
    }

    [Fact]
    public void Parses_maps_sets_and_pushes()
    {
        var map = ParseOne("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n#t\r\n");
        var set = ParseOne("~2\r\n+x\r\n+y\r\n");
        var push = ParseOne(">2\r\n+invalidate\r\n*1\r\n+key\r\n");

        Assert.Equal(RespType.Map, map.Type);
        Assert.Equal(1, map.AsMap()["a"].AsInt64());
        Assert.True(map.AsMap()["b"].AsBoolean());
        Assert.Equal(RespType.Set, set.Type);
        Assert.Equal(["x", "y"], set.AsArray().Select(v => v.AsString()));
        Assert.Equal(RespType.Push, push.Type);
    }

    [Fact]
    public void Skips_attributes_and_returns_the_reply_they_describe()
    {
        var value = ParseOne("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n");

        Assert.Equal(2, value.AsArray()[0].AsInt64());
    }

    [Fact]
    public void Reports_need_more_data_for_every_prefix_then_parses_byte_at_a_time()
    {
        var wire = Encoding.UTF8.GetBytes("*4\r\n$3\r\nfoo\r\n%1\r\n+k\r\n,1.5\r\n-ERR x\r\n|1\r\n+a\r\n+b\r\n_\r\n");

        for (var length = 0; length < wire.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(wire, 0, length);
            Assert.False(RespParser.TryParse(ref partial, out _), $"parsed with only {length} of {wire.Length} bytes");
            Assert.Equal(length, partial.Length);
        }
        var oneBytePerSegment = Segmented(wire);
        Assert.True(RespParser.TryParse(ref oneBytePerSegment, out var value));
        Assert.Equal(0, oneBytePerSegment.Length);
        Assert.Equal("foo", value.AsArray()[0].AsString());
        Assert.Equal(1.5, value.AsArray()[1].AsMap()["k"].AsDouble());
        Assert.True(value.AsArray()[2].IsError);
        Assert.True(value.AsArray()[3].IsNull);
    }

    [Fact]
    public void Consumes_exactly_one_reply_at_a_time()
    {
        var buffer = new ReadOnlySequence<byte>("+one\r\n:2\r\n$3\r\nthr"u8.ToArray());

        Assert.True(RespParser.TryParse(ref buffer, out var first));
        Assert.True(RespParser.TryParse(ref buffer, out var second));
        Assert.False(RespParser.TryParse(ref buffer, out _));
        Assert.Equal("one", first.AsString());
        Assert.Equal(2, second.AsInt64());
        Assert.Equal("$3\r\nthr", Encoding.UTF8.GetString(buffer));
    }

    [Theory]
    [InlineData("$536870913\r\n")]
    [InlineData("*10000001\r\n")]
    [InlineData("%10000001\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("$abc\r\n")]
    [InlineData("#x\r\n")]
    [InlineData("?3\r\n")]
    [InlineData("$3\r\nfooXY")]
    public void Rejects_invalid_or_absurd_input(string wire)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire));

        Assert.Throws<RedisProtocolException>(() => RespParser.TryParse(ref buffer, out _));
    }

    [Fact]
    public void Rejects_a_line_that_never_ends()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("+" + new string('a', 2 * 1024 * 1024)));

        Assert.Throws<RedisProtocolException>(() => RespParser.TryParse(ref buffer, out _));
    }

    private static RespValue ParseOne(string wire, Encoding? encoding = null)
    {
        var buffer = new ReadOnlySequence<byte>((encoding ?? Encoding.UTF8).GetBytes(wire));
        Assert.True(RespParser.TryParse(ref buffer, out var value));
        Assert.Equal(0, buffer.Length);
        return value;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++) last = last.Append(bytes.AsMemory(i, 1));
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex) => (Memory, RunningIndex) = (memory, runningIndex);

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
