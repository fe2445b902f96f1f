using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// The coordinator's transient view of how far each leased run is, as pure folds: only a lease's holder is heard,
/// and a unit whose lease begins or ends shows no earlier holder's progress.
/// </summary>
public sealed class LeaseProgressTests
{
    private const string A = "node-a";
    private const string B = "node-b";

    private static readonly TrainingProgress Halfway = new(500, 1000, 1234.5);

    /// <summary>A search whose two first runs are leased, one to A and one to B.</summary>
    private static (CoordinatorState State, string OfA, string OfB) TwoLeases()
    {
        var spec = Spec(tickets: 2);
        var state = RunToTrainUnits(Submitted(spec));
        state = state.Fold(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Fold(state.Request(B, 1, 0, T0, LeaseTimeout));
        var holders = state.Queue.Leases.ToDictionary(l => l.Value.Node, l => l.Key);
        return (state, holders[A], holders[B]);
    }

    [Fact]
    public void A_nodes_report_reaches_the_running_units_of_its_search_and_only_those_it_holds()
    {
        var (state, ofA, ofB) = TwoLeases();

        // A speaks of its unit, of B's, and of a unit nobody holds: only its own is taken.
        var progress = LeaseProgress.Empty.Reported(A,
            new Dictionary<string, TrainingProgress> { [ofA] = Halfway, [ofB] = Halfway, ["gone"] = Halfway },
            state.Queue, T0);

        var searchId = state.Searches.Keys.Single();
        var running = state.Running(searchId, progress).ToDictionary(r => r.Node);
        Assert.Equal(Halfway, running[A].Progress);
        Assert.Null(running[B].Progress);
        Assert.Equal(new[] { ofA }, progress.ByWorkId.Keys);
    }

    [Fact]
    public void A_later_report_replaces_the_earlier_one()
    {
        var (state, ofA, _) = TwoLeases();
        var later = Halfway with { Iteration = 750 };

        var progress = LeaseProgress.Empty
            .Reported(A, new Dictionary<string, TrainingProgress> { [ofA] = Halfway }, state.Queue, T0)
            .Reported(A, new Dictionary<string, TrainingProgress> { [ofA] = later }, state.Queue, T0);

        Assert.Equal(later, progress.Of(ofA));
    }

    /// <summary>
    /// A run whose node keeps renewing its lease but whose iteration does not move for the stall timeout is stalled;
    /// one that moved within it is not, and a unit that never reported (an init draw) is never judged.
    /// </summary>
    [Fact]
    public void A_unit_reported_at_the_same_iteration_for_the_stall_timeout_is_stalled_and_one_that_moves_is_not()
    {
        var (state, ofA, ofB) = TwoLeases();
        var stall = TimeSpan.FromMinutes(30);
        var progress = LeaseProgress.Empty;
        for (var minute = 0; minute <= 40; minute += 10)
            progress = progress.Reported(A, new Dictionary<string, TrainingProgress> { [ofA] = Halfway }, state.Queue,
                T0.AddMinutes(minute)).Reported(B, new Dictionary<string, TrainingProgress>
            {
                [ofB] = Halfway with { Iteration = minute },
            }, state.Queue, T0.AddMinutes(minute));

        Assert.Equal([ofA], progress.Stalled(T0.AddMinutes(40), stall));
        Assert.Empty(progress.Stalled(T0.AddMinutes(29), stall));
        Assert.Empty(progress.Stalled(T0.AddMinutes(40), TimeSpan.Zero));
        var ended = progress.After(new LeaseEnded(ofA, A, LeaseEndReason.Stalled, T0));
        Assert.DoesNotContain(ofA, ended.Stalled(T0.AddHours(9), stall));
    }

    public static TheoryData<string> LeaseChanges => ["ended", "leased", "completed", "failed"];

    [Theory]
    [MemberData(nameof(LeaseChanges))]
    public void A_unit_whose_lease_begins_or_ends_has_no_progress_until_its_holder_reports(string change)
    {
        var (state, ofA, _) = TwoLeases();
        var progress = LeaseProgress.Empty.Reported(A,
            new Dictionary<string, TrainingProgress> { [ofA] = Halfway }, state.Queue, T0);
        IClusterEvent e = change switch
        {
            "ended" => new LeaseEnded(ofA, A, LeaseEndReason.Expired, T0),
            "leased" => new WorkLeased(ofA, B, T0 + LeaseTimeout, T0),
            "completed" => new WorkCompleted(ofA, A, Output(state.Queue.Open[ofA].Item), T0),
            _ => new WorkFailed(ofA, "IOException: disk full", 3, T0),
        };

        Assert.Null(progress.After(e).Of(ofA));
        // Events about other units leave it alone.
        Assert.Equal(Halfway, progress.After(new LeaseEnded("other", B, LeaseEndReason.Expired, T0)).Of(ofA));
    }
}
