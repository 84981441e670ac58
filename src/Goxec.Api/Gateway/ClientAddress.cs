using System.Net;
using System.Net.Sockets;

namespace Goxec.Api.Gateway;

/// <summary>
/// Who the client is, by address. X-Forwarded-For is a header anyone can write, so it is read only
/// when the direct peer is a trusted proxy, and then right to left: each hop is believed only while
/// the hop that reported it is trusted too.
/// </summary>
public sealed class ClientAddress(IReadOnlyList<IPNetwork> trustedProxies)
{
    public IPAddress Resolve(IPAddress? peer, string? forwardedFor)
    {
        var client = Normalize(peer ?? IPAddress.IPv6None);
        if (!IsTrusted(client) || string.IsNullOrEmpty(forwardedFor)) return client;
        var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            // A hop we cannot parse ends the chain: the last trusted hop's peer is the best we know.
            if (!TryParseHop(hops[i], out var hop)) return client;
            client = Normalize(hop);
            if (!IsTrusted(client)) return client;
        }
        return client;
    }

    /// <summary>
    /// The rate-limit bucket of an address. An IPv6 client usually owns a whole /64 and can pick any
    /// address in it, so IPv6 is bucketed by /64; IPv4 (and IPv4-mapped IPv6) by the address. ::1 is 127.0.0.1: a
    /// browser opening http://localhost connects over ::1 while curl or HttpClient on the same machine use 127.0.0.1,
    /// and both must be the same anonymous caller (who owns the jobs it submits), not two. Other loopback addresses
    /// (127.0.0.2, …) stay callers of their own, as any other address.
    /// </summary>
    public static string Bucket(IPAddress address)
    {
        address = Normalize(address);
        if (address.Equals(IPAddress.IPv6Loopback)) address = IPAddress.Loopback;
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        return new IPNetwork(address, 64).ToString(); // IPNetwork zeroes the host bits.
    }

    /// <summary>IPv4-mapped IPv6 as IPv4, and IPv6 without a scope id: one client, one spelling.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    private bool IsTrusted(IPAddress address) => trustedProxies.Any(n => n.Contains(address));

    // Proxies write "203.0.113.7", "203.0.113.7:4711", "2001:db8::1" or "[2001:db8::1]:4711".
    private static bool TryParseHop(string hop, out IPAddress address)
    {
        if (IPAddress.TryParse(hop, out address!) && !hop.Contains('%')) return true;
        if (IPEndPoint.TryParse(hop, out var endpoint)) { address = endpoint.Address; return true; }
        address = IPAddress.None;
        return false;
    }
}
