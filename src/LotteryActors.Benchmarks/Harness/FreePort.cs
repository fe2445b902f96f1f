using System.Net;
using System.Net.Sockets;

namespace LotteryActors.Benchmarks.Harness;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it), for a throwaway server or node.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
