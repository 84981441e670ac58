using System.Net;
using System.Net.Sockets;

namespace Goxec.Api.Webhooks;

/// <summary>
/// Which addresses a callback may reach. A webhook is a request Goxec makes on a stranger's behalf, so
/// without this a job could make Goxec call its own Redis, a cloud metadata service (169.254.169.254)
/// or anything else on the internal network. Addresses are compared as addresses, never as text.
/// </summary>
public static class CallbackAddresses
{
    private static readonly IPNetwork[] NotPublic =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    /// <summary>Public unicast only. IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by that address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (IPNetwork.Parse("64:ff9b::/96").Contains(address)) return IsPublic(new IPAddress(bytes[12..16]));
            if (IPNetwork.Parse("2002::/16").Contains(address)) return IsPublic(new IPAddress(bytes[2..6]));
        }
        else if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        return !NotPublic.Any(n => n.Contains(address));
    }

    /// <summary>Why the URL cannot be a callback, or null when it can. Resolves the host when it is a name.</summary>
    public static async Task<string?> ProblemAsync(string url, bool allowPrivate, CancellationToken ct)
    {
        if (url.Length > 2048) return "The callback URL may have at most 2048 characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return "The callback URL must be an absolute http or https URL.";
        if (uri.UserInfo.Length > 0) return "The callback URL may not carry credentials.";
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal]
                : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct).WaitAsync(TimeSpan.FromSeconds(5), ct);
        }
        catch (Exception e) when (e is SocketException or TimeoutException or ArgumentException)
        {
            return $"The callback host '{uri.Host}' does not resolve.";
        }
        if (addresses.Length == 0) return $"The callback host '{uri.Host}' does not resolve.";
        if (!allowPrivate && addresses.FirstOrDefault(a => !IsPublic(a)) is { } inner)
            return $"The callback host '{uri.Host}' resolves to {inner}, which is not a public address.";
        return null;
    }
}
