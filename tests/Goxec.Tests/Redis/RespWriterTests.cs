using System.Buffers;
using System.Text;
using Goxec.Redis;

namespace Goxec.Tests.Redis;

public sealed class RespWriterTests
{
    [Fact]
    public void Writes_an_array_of_bulk_strings() =>
        Assert.Equal("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", Write(new RedisCommand("SET", "key", "value")));

    [Fact]
    public void Writes_numbers_empty_and_unicode_arguments_as_bulk_strings() =>
        Assert.Equal("*5\r\n$4\r\nECHO\r\n$2\r\n-7\r\n$3\r\n1.5\r\n$0\r\n\r\n$2\r\né\r\n", Write(new RedisCommand("ECHO", -7, 1.5, "", "é")));

    [Fact]
    public void Writes_binary_arguments_unchanged()
    {
        var output = new ArrayBufferWriter<byte>();

        RespWriter.Write(output, new RedisCommand("SET", "k", new byte[] { 0, 13, 10, 255 }));

        Assert.Equal([.. "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n"u8, 0, 13, 10, 255, .. "\r\n"u8], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Splits_a_multi_word_command_name() =>
        Assert.Equal("*4\r\n$6\r\nXGROUP\r\n$6\r\nCREATE\r\n$1\r\ns\r\n$1\r\ng\r\n", Write(new RedisCommand("XGROUP  CREATE", "s", "g")));

    [Fact]
    public void Writes_a_command_without_arguments() => Assert.Equal("*1\r\n$4\r\nPING\r\n", Write(new RedisCommand("PING")));

    private static string Write(RedisCommand command)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.Write(output, command);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
