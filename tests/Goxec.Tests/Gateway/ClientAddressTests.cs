using System.Net;
using Goxec.Api.Gateway;

namespace Goxec.Tests.Gateway;

public class ClientAddressTests
{
    private static readonly ClientAddress Resolver = new([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")]);

    [Theory]
    [InlineData("203.0.113.9", "1.2.3.4", "203.0.113.9")] // untrusted peer: the header is ignored
    [InlineData("10.0.0.5", "1.2.3.4", "1.2.3.4")] // trusted proxy: its client
    [InlineData("10.0.0.5", "6.6.6.6, 1.2.3.4", "1.2.3.4")] // a forged left-most hop does not count
    [InlineData("10.0.0.5", "1.2.3.4, 10.0.0.7", "1.2.3.4")] // a chain of trusted proxies is walked
    [InlineData("10.0.0.5", "1.2.3.4:5555", "1.2.3.4")]
    [InlineData("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7")]
    [InlineData("10.0.0.5", "garbage", "10.0.0.5")]
    [InlineData("fd00::1", "2001:db8::9", "2001:db8::9")]
    [InlineData("::ffff:10.0.0.5", "1.2.3.4", "1.2.3.4")] // a mapped peer is still the trusted IPv4 proxy
    public void Forwarded_for_is_believed_only_from_trusted_proxies(string peer, string header, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), Resolver.Resolve(IPAddress.Parse(peer), header));

    [Fact]
    public void Ipv6_clients_are_bucketed_by_their_64_and_mapped_ipv4_as_ipv4()
    {
        Assert.Equal(ClientAddress.Bucket(IPAddress.Parse("2001:db8:1:2::1")), ClientAddress.Bucket(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(ClientAddress.Bucket(IPAddress.Parse("2001:db8:1:2::1")), ClientAddress.Bucket(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("2001:db8:1:2::/64", ClientAddress.Bucket(IPAddress.Parse("2001:DB8:1:2:0:0:0:1")));
        Assert.Equal("1.2.3.4", ClientAddress.Bucket(IPAddress.Parse("::ffff:1.2.3.4")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Localhost_is_one_caller_over_ipv4_or_ipv6(string address)
    {
        Assert.Equal(ClientAddress.Bucket(IPAddress.IPv6Loopback), ClientAddress.Bucket(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("::2")]
    public void Other_addresses_are_callers_of_their_own(string address)
    {
        Assert.NotEqual(ClientAddress.Bucket(IPAddress.IPv6Loopback), ClientAddress.Bucket(IPAddress.Parse(address)));
    }
}
