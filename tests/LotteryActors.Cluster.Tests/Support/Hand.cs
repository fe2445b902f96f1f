using System.Security.Cryptography;
using System.Text;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
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

    public static WorkOutput Output(WorkItem item) => item.Run is { } run
        ? WorkOutput.Trained(new RunResult(run, 1.0 / (run.Round + 1),
            new RunMetrics(100, 0.9, 0.3, 0.89, 0.31, 60, 0.91, 0.895, 0.25),
            Hash($"weights {run}"), run.Kind == RunKind.Ticket ? Hash($"mask after {run}") : null, null))
        : WorkOutput.Drawn(Hash($"init {item.WidthIndex}"), Hash($"dense {item.WidthIndex}"));

    public static CoordinatorState Fold(this CoordinatorState state, IEnumerable<IClusterEvent> events) =>
        events.Aggregate(state, (s, e) => s.Apply(e));

    public static CoordinatorState Submitted(SearchSpec spec) =>
        CoordinatorState.Empty.Fold(CoordinatorState.Empty.Submit(spec, T0));

    /// <summary>Draws every pending init, so the searches' first training runs are queued.</summary>
    public static CoordinatorState RunToTrainUnits(CoordinatorState state)
    {
        foreach (var unit in state.Queue.Open.Values.Where(u => u.Item.Kind == WorkKind.Init).ToList())
            state = state.Fold(state.Complete("drawer", unit.WorkId, Output(unit.Item), T0));
        return state;
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
