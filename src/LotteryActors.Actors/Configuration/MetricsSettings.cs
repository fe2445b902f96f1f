using System.Net;
using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// Where a node serves its Prometheus metrics (<c>lottery.runtime.metrics</c>): off unless a port is set, since a
/// port opened by default would clash between two searches on one machine. Like the dashboard, it listens beyond
/// loopback only with a token in the environment, which every scrape must then carry: a lab network is shared, and
/// the metrics name searches and nodes.
/// </summary>
public sealed record MetricsSettings(int Port, string Host, string? Token = null)
{
    private const string Root = "lottery.runtime.metrics";

    public const string PortKey = Root + ".port";

    public const string TokenVariable = "LOTTERY_METRICS_TOKEN";

    public static readonly MetricsSettings Off = new(0, "127.0.0.1");

    public bool Enabled => Port > 0;

    /// <param name="environmentToken">The value of <see cref="TokenVariable"/>, or null when it is not set.</param>
    public static MetricsSettings Read(Config config, string? environmentToken)
    {
        var c = new SettingsSection(config, Root);
        var port = c.Int("port");
        if (port is < 0 or > 65535)
            throw new SpecException(c.Key("port"), $"is {port}; allowed: 0 (off) or a TCP port, 1 to 65535");
        var host = c.Text("host");
        if (host.Length == 0)
            throw new SpecException(c.Key("host"), "is empty; allowed: an address or host name, or * for all");
        var token = string.IsNullOrEmpty(environmentToken) ? null : environmentToken;
        if (port > 0 && token is null && !IsLoopback(host))
            throw new SpecException(c.Key("host"), $"is {host}, not a loopback address; set {TokenVariable} to a " +
                "secret that every scrape must then carry, or listen on 127.0.0.1");
        return new MetricsSettings(port, host, token);
    }

    /// <summary>localhost, 127.0.0.0/8 and ::1 are loopback; "*" and every other name or address are not.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
