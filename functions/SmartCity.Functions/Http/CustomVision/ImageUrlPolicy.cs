using System.Net;
using System.Net.Sockets;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// What the <c>/url</c> routes may fetch: a host of <see cref="CustomVisionOptions.UrlAllowedHosts"/>,
/// over https (http only for a listed loopback entry), at a public address (a loopback address only
/// for a listed loopback entry). Private, loopback, link-local (the instance metadata service at
/// 169.254.169.254), shared, multicast, documentation and reserved ranges are never public here.
/// </summary>
public static class ImageUrlPolicy
{
    /// <summary>The host as the allow-list holds it: punycode, IPv6 without brackets.</summary>
    public static string HostOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IdnHost.Trim('[', ']');
    }

    /// <summary>Whether <paramref name="host"/> is listed: equal to an entry, or under a <c>*.</c> entry's domain.</summary>
    public static bool IsListed(string host, IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        host = host.Trim('[', ']').TrimEnd('.');
        foreach (var entry in entries)
        {
            var matches = entry.StartsWith("*.", StringComparison.Ordinal)
                ? host.Length > entry.Length - 1 && host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase)
                : string.Equals(host, entry, StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A loopback entry (<c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c>): for local development, it may use http and loopback addresses.</summary>
    public static bool IsLoopbackEntry(string host) => CustomVisionOptions.LoopbackHosts.Contains(host.Trim('[', ']').TrimEnd('.'));

    /// <summary>Whether a connection to <paramref name="address"/> is allowed for <paramref name="host"/>: loopback only for a loopback entry, else public only.</summary>
    public static bool MayConnect(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IsLoopbackEntry(host) ? IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) : IsPublic(address);
    }

    /// <summary>A globally routable unicast address: none of the special-purpose ranges (RFC 6890) an attacker could aim the app at.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out var length))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && length == 4)
        {
            return !(b[0] == 0                                   // 0.0.0.0/8 "this network"
                || b[0] == 10                                    // 10/8 private
                || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64/10 shared (carrier NAT)
                || b[0] == 127                                   // 127/8 loopback
                || (b[0] == 169 && b[1] == 254)                  // 169.254/16 link-local, instance metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)          // 172.16/12 private
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)  // 192.0.0/24 protocol, 192.0.2/24 documentation
                || (b[0] == 192 && b[1] == 168)                  // 192.168/16 private
                || (b[0] == 198 && (b[1] & 0xFE) == 18)          // 198.18/15 benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)    // documentation
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)     // documentation
                || b[0] >= 224);                                 // multicast, reserved, broadcast
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || length != 16)
        {
            return false;
        }

        var firstEightZero = b[..8].IndexOfAnyExcept((byte)0) < 0;
        return !(firstEightZero                                   // ::, ::1, IPv4-compatible, mapped (handled above)
            || (b[0] & 0xFE) == 0xFC                              // fc00::/7 unique local (fd00::/8 among them)
            || (b[0] == 0xFE && (b[1] & 0xC0) is 0x80 or 0xC0)    // fe80::/10 link-local, fec0::/10 site-local
            || b[0] == 0xFF                                       // multicast
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)       // 2001::/32 Teredo (tunnels to any IPv4)
            || (b[0] == 0x20 && b[1] == 0x02)                     // 2002::/16 6to4 (embeds any IPv4)
            || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)); // 64:ff9b::/96 NAT64 (embeds any IPv4)
    }
}
