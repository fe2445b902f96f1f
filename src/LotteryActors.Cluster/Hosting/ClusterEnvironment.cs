using System.Text.Json;
using Akka.Configuration;

namespace LotteryActors.Cluster.Hosting;

/// <summary>
/// Environment variables that override the HOCON of every command, so one image and one cluster.conf serve every
/// machine, and a machine's <c>status</c> reads the database its <c>node</c> writes. A variable that names a key a
/// command does not read changes nothing there. Done in code rather than with HOCON's <c>${?VAR}</c>, which the
/// strict config reader refuses. The database connection string belongs here, never in a committed file.
/// </summary>
public static class ClusterEnvironment
{
    public static readonly IReadOnlyDictionary<string, string> KeysByVariable = new Dictionary<string, string>
    {
        ["LOTTERY_ROLES"] = "lottery.cluster.roles",
        ["LOTTERY_HOSTNAME"] = "lottery.cluster.hostname",
        ["LOTTERY_PUBLIC_HOSTNAME"] = "lottery.cluster.public-hostname",
        ["LOTTERY_PORT"] = "lottery.cluster.port",
        ["LOTTERY_SEED_NODES"] = "lottery.cluster.seed-nodes",
        ["LOTTERY_SLOTS"] = "lottery.runtime.slots",
        ["LOTTERY_DEVICE"] = "lottery.runtime.device",
        ["LOTTERY_CONNECTION_STRING"] = "lottery.runtime.connection-string",
        ["LOTTERY_TLS_CERTIFICATE"] = "lottery.cluster.tls.certificate",
        ["LOTTERY_TLS_CA"] = "lottery.cluster.tls.ca",
    };

    /// <summary><paramref name="config"/> with every variable that is set laid over it.</summary>
    public static Config Apply(Config config, Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var lines = KeysByVariable
            .Where(p => !string.IsNullOrEmpty(read(p.Key)))
            .Select(p => $"{p.Value} = {JsonSerializer.Serialize(read(p.Key))}")
            .ToList();
        return lines.Count == 0
            ? config
            : ConfigurationFactory.ParseString(string.Join('\n', lines)).WithFallback(config);
    }
}
