namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// The metric families a node serves, a single-process search and <c>lottery node</c> alike, with their types:
/// what the metrics tests expect in every scrape.
/// </summary>
public static class NodeMetricFamilies
{
    /// <summary>Served from the first scrape on, at zero until something happens.</summary>
    public static readonly (string Name, string Type)[] Always =
    [
        ("lottery_runs_completed_total", "counter"),
        ("lottery_runs_failed_total", "counter"),
        ("lottery_trainer_restarts_total", "counter"),
        // Only a cluster node gives units back; a single-process search serves the family at 0.
        ("lottery_units_given_back_total", "counter"),
        ("lottery_slots_in_use", "gauge"),
        ("lottery_slots", "gauge"),
        ("lottery_slot_utilisation_ratio", "gauge"),
        ("lottery_journal_write_seconds", "histogram"),
    ];

    /// <summary>What a search or node prints, and all it prints as an error, when its metrics port is taken.</summary>
    public static string PortInUse(int port) => $"error: port {port} on 127.0.0.1 is in use (another search or " +
        "node?); set lottery.runtime.metrics.port to a free port, or 0 for no metrics";

    /// <summary>A gauge labelled by trainer.</summary>
    public const string Throughput = "lottery_trainer_examples_per_second";

    /// <summary>Every family of <see cref="Always"/> is in <paramref name="scrape"/>, with its type.</summary>
    public static void AssertServed(IReadOnlyDictionary<string, MetricFamily> scrape)
    {
        foreach (var (name, type) in Always)
            Assert.Equal(type, scrape[name].Type);
    }
}
