using System.Security.Cryptography;
using System.Text;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// Hand-made outputs for folds and decisions: each unit's hashes are derived from the unit itself, so a pretend
/// trainer answers the same unit the same way, as a real (deterministic) one does.
/// </summary>
public static class Hand
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The synthetic spec with its own seed, so each <paramref name="seed"/> is a different search.</summary>
    public static SearchSpec Spec(int seed = 1, int tickets = 2) =>
        SyntheticSpec.Search() with { TicketsPerWidth = tickets, Seeds = new SeedSpec(seed, 2, 3) };

    public static WorkOutput Output(WorkItem item) => item.Kind switch
    {
        WorkKind.Train => WorkOutput.Trained(new RunResult(item.Run!, 1.0 / (item.Run!.Round + 1),
            new RunMetrics(100, 0.9, 0.3, 0.89, 0.31, 60, 0.91, 0.895, 0.25), Hash($"weights {item.Run}"),
            item.Run.Kind == RunKind.Ticket ? Hash($"mask after {item.Run}") : null, null)),
        WorkKind.Ensemble => WorkOutput.Evaluated(new EnsembleReport(item.Ensembles!.Select(l => new EnsembleLevel(
            l.WidthIndex, l.Width, l.Round, l.Density,
            new EnsembleScores(l.WeightsHashes.Count, 0.87, 0.88, 0.88, 0.9, 0.89, 0.885), l.DenseTestAccuracy))
            .ToList())),
        _ => WorkOutput.Drawn(Hash($"init {item.WidthIndex}"), Hash($"dense {item.WidthIndex}")),
    };

    public static CoordinatorState Fold(this CoordinatorState state, IEnumerable<IClusterEvent> events) =>
        events.Aggregate(state, (s, e) => s.Apply(e));

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
