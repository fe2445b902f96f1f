using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Where a node serves its Prometheus metrics (<c>lottery.runtime.metrics</c>): off unless a port is set, since a
/// port opened by default would clash between two searches on one machine.
/// </summary>
public sealed record MetricsSettings(int Port, string Host)
{
    private const string Root = "lottery.runtime.metrics";

    public const string PortKey = Root + ".port";

    public static readonly MetricsSettings Off = new(0, "127.0.0.1");

    public bool Enabled => Port > 0;

    public static MetricsSettings Read(Config config)
    {
        var c = new SettingsSection(config, Root);
        var port = c.Int("port");
        if (port is < 0 or > 65535)
            throw new SpecException(c.Key("port"), $"is {port}; allowed: 0 (off) or a TCP port, 1 to 65535");
        var host = c.Text("host");
        if (host.Length == 0)
            throw new SpecException(c.Key("host"), "is empty; allowed: an address or host name, or * for all");
        return new MetricsSettings(port, host);
    }
}
