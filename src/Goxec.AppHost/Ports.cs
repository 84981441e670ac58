namespace Goxec.AppHost;

/// <summary>Ports for endpoints the orchestrator does not proxy (and so does not pick itself).</summary>
internal static class Ports
{
    /// <summary>The OS hands out a free port; a tiny race with other programs remains until the server binds it.</summary>
    public static int Free()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
