using Goxec.Redis;

namespace Goxec.Tests.Redis;

public sealed class RedisOptionsTests
{
    [Fact]
    public void Parses_host_and_port()
    {
        var options = RedisOptions.Parse("redis.local:6380");

        Assert.Equal(new RedisOptions("redis.local", 6380), options);
        Assert.Equal(3, options.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CommandTimeout);
    }

    [Fact]
    public void Defaults_the_port() => Assert.Equal(6379, RedisOptions.Parse("localhost").Port);

    [Fact]
    public void Parses_options_after_the_endpoint()
    {
        var options = RedisOptions.Parse("10.0.0.1:7000, password=s3cret=x ,user=app,protocol=2,name=worker");

        Assert.Equal(("10.0.0.1", 7000, "s3cret=x", "app", 2, "worker"),
            (options.Host, options.Port, options.Password, options.User, options.Protocol, options.ClientName));
    }

    [Theory]
    [InlineData("[::1]:6390", "::1", 6390)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("redis://[::1]:6391", "::1", 6391)]
    public void Parses_ipv6(string text, string host, int port) => Assert.Equal(new RedisOptions(host, port), RedisOptions.Parse(text));

    [Fact]
    public void Parses_uris_with_credentials()
    {
        var full = RedisOptions.Parse("redis://app:p%40ss@cache:6390");
        var passwordOnly = RedisOptions.Parse("redis://:pw@cache");

        Assert.Equal(("cache", 6390, "app", "p@ss"), (full.Host, full.Port, full.User, full.Password));
        Assert.Equal(("cache", 6379, null, "pw"), (passwordOnly.Host, passwordOnly.Port, passwordOnly.User, passwordOnly.Password));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host:notaport", "port")]
    [InlineData("host:70000", "port")]
    [InlineData(":6379", "no host")]
    [InlineData("::1:6379", "IPv6")]
    [InlineData("[::1:6379", "']'")]
    [InlineData("host:6379,protocol=4", "protocol")]
    [InlineData("host:6379,colour=blue", "colour")]
    [InlineData("host:6379,password", "key=value")]
    [InlineData("rediss://host:6379", "TLS")]
    [InlineData("redis://host:6379/3", "database")]
    public void Rejects_bad_strings_naming_the_problem(string text, string mentioned)
    {
        var error = Assert.Throws<FormatException>(() => RedisOptions.Parse(text));

        Assert.Contains(mentioned, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
