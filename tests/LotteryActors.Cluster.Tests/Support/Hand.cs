using LotteryActors.Benchmarks.Cluster;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>Hand-made specs and outputs for folds and decisions (outputs as the coordinator's benchmark makes them).
/// </summary>
public static class Hand
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The synthetic spec with its own seed, so each <paramref name="seed"/> is a different search.</summary>
    public static SearchSpec Spec(int seed = 1, int tickets = 2) =>
        SyntheticSpec.Search() with { TicketsPerWidth = tickets, Seeds = new SeedSpec(seed, 2, 3) };

    public static WorkOutput Output(WorkItem item) => SimulatedWork.Output(item);

    public static CoordinatorState Fold(this CoordinatorState state, IEnumerable<IClusterEvent> events) =>
        events.Aggregate(state, (s, e) => s.Apply(e));

    public static CoordinatorState Submitted(SearchSpec spec) =>
        CoordinatorState.Empty.Fold(CoordinatorState.Empty.Submit(spec, T0));

    /// <summary>Draws every pending init, so the searches' first training runs are queued.</summary>
    public static CoordinatorState RunToTrainUnits(CoordinatorState state)
    {
        foreach (var unit in state.Queue.Open.Values.Where(u => u.Item.Kind == WorkKind.Init).ToList())
            state = state.CompletedBy("drawer", unit.WorkId);
        return state;
    }

    /// <summary>The unit leased to <paramref name="node"/>, which delivers its output: a result counts only from
    /// the lease holder.</summary>
    public static CoordinatorState CompletedBy(this CoordinatorState state, string node, string workId,
        TrainingSetup? setup = null)
    {
        state = state.Apply(new ClusterEvents.WorkLeased(workId, node, T0 + LeaseTimeout, T0));
        return state.Fold(state.Complete(node, workId, Output(state.Queue.Open[workId].Item), T0, setup: setup));
    }

    public static string Hash(string text) => SimulatedWork.Hash(text);
}
