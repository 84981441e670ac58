using System.Diagnostics;
using Goxec.AppHost.Placement;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Deploy;

/// <summary>
/// Simulated hosts on one machine: a network namespace each, joined by veth pairs to a bridge in the
/// root namespace (which holds the .1 address, so the test and the orchestrator reach every host).
/// Names and the /24 are unique per run; everything is removed on dispose, also after a failure.
/// </summary>
public sealed class NetworkHosts : IAsyncDisposable
{
    private readonly string _id;
    private readonly string _subnet;
    private readonly List<string> _hosts = [];
    private readonly List<Action> _undo = [];

    private NetworkHosts(string id, string subnet) => (_id, _subnet) = (id, subnet);

    public string BridgeAddress => $"{_subnet}.1";

    public static NetworkHosts Create(params string[] names)
    {
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
        var hosts = new NetworkHosts(id, FreeSubnet());
        try
        {
            hosts.AddBridge();
            foreach (var name in names) hosts.AddHost(name);
            return hosts;
        }
        catch
        {
            hosts.Remove();
            throw;
        }
    }

    /// <summary>Where a resource runs when placed on <paramref name="host"/>.</summary>
    public NetworkPlacement this[string host] => new(Namespace(host), Address(host));

    public string Address(string host) => $"{_subnet}.{Index(host) + 2}";

    /// <summary>Pulls the host's cable: its side of the link goes down and nothing crosses it.</summary>
    public void Cut(string host) => Ip("link", "set", RootSide(host), "down");

    public void Restore(string host) => Ip("link", "set", RootSide(host), "up");

    public ValueTask DisposeAsync()
    {
        Remove();
        return ValueTask.CompletedTask;
    }

    private void AddBridge()
    {
        var bridge = $"gx{_id}br";
        Ip("link", "add", bridge, "type", "bridge");
        _undo.Add(() => Ip("link", "del", bridge));
        Ip("addr", "add", $"{BridgeAddress}/24", "dev", bridge);
        Ip("link", "set", bridge, "up");
        // Docker sets the FORWARD policy to DROP, and with br_netfilter bridged frames pass through it.
        if (Prerequisite.FindOnPath("iptables") is not null)
        {
            Run("iptables", "-I", "FORWARD", "1", "-i", bridge, "-o", bridge, "-j", "ACCEPT");
            _undo.Add(() => Run("iptables", "-D", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"));
        }
    }

    private void AddHost(string name)
    {
        _hosts.Add(name);
        var (ns, root, inner) = (Namespace(name), RootSide(name), $"gx{_id}{Index(name)}n");
        Ip("netns", "add", ns);
        _undo.Add(() => Ip("netns", "del", ns));
        Ip("link", "add", root, "type", "veth", "peer", "name", inner);
        _undo.Add(() => Ip("link", "del", root));
        Ip("link", "set", inner, "netns", ns);
        Ip("link", "set", root, "master", $"gx{_id}br");
        Ip("link", "set", root, "up");
        Ip("-n", ns, "link", "set", "lo", "up");
        Ip("-n", ns, "addr", "add", $"{Address(name)}/24", "dev", inner);
        Ip("-n", ns, "link", "set", inner, "up");
    }

    private void Remove()
    {
        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            // A veth dies with its namespace, so some steps find nothing left; undo the rest regardless.
            try { _undo[i](); }
            catch (InvalidOperationException) { }
        }
        _undo.Clear();
    }

    private int Index(string host) =>
        _hosts.IndexOf(host) is var i and >= 0 ? i : throw new ArgumentException($"No host '{host}'; there are: {string.Join(", ", _hosts)}.", nameof(host));

    private string Namespace(string host) => $"goxec-{_id}-{host}";

    private string RootSide(string host) => $"gx{_id}{Index(host)}h";

    /// <summary>A 10.213.x.0/24 no route on this machine uses yet (parallel runs pick different ones).</summary>
    private static string FreeSubnet()
    {
        var routes = Run("ip", "-4", "route", "show");
        var free = Enumerable.Range(1, 254).Where(x => !routes.Contains($"10.213.{x}.", StringComparison.Ordinal)).ToArray();
        return free.Length > 0 ? $"10.213.{free[Random.Shared.Next(free.Length)]}" : throw new InvalidOperationException("No free 10.213.x.0/24 subnet.");
    }

    private static void Ip(params string[] args) => Run("ip", args);

    private static string Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()}");
    }
}
