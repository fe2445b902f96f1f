using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;
using static LotteryActors.Cluster.Tests.Support.SameState;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// A coordinator that recovers from a snapshot and the events after it must hold the state, and make the decisions,
/// of one that replays its whole journal: whichever event the snapshot was taken after.
/// </summary>
public sealed class CoordinatorSnapshotTests
{
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c"];

    /// <param name="bounded">The cluster coordinator's fold, which forgets finished searches, or one that keeps
    /// every search whole.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Recovery_from_a_snapshot_at_any_event_and_the_tail_equals_recovery_from_the_whole_journal(
        bool bounded)
    {
        var journal = BusyJournal();
        var start = bounded ? CoordinatorState.Bounded : CoordinatorState.Empty;
        var whole = start.Fold(journal);
        Assert.Equal(bounded ? 2 : 0, whole.Finished.Count);

        for (var cut = 0; cut <= journal.Count; cut++)
        {
            var upToCut = start.Fold(journal.Take(cut));
            var snapshot = upToCut.ToJournaledSnapshot().ToState() with { ForgetsFinished = bounded };
            // Read back, and at the end: a difference that later events would heal is still a wrong recovery.
            SameState.Equal(upToCut, snapshot, $"snapshot after event {cut}, read back");
            SameState.Equal(whole, snapshot.Fold(journal.Skip(cut)), $"snapshot after event {cut}, with the tail");
        }
    }

    [Fact]
    public void A_state_recovered_from_a_snapshot_in_the_middle_decides_as_the_whole_journal_does()
    {
        var journal = BusyJournal();
        var cut = journal.Count / 2;
        var whole = CoordinatorState.Empty.Fold(journal.Take(cut));
        var recovered = whole.ToJournaledSnapshot().ToState();
        var now = T0.AddHours(1);

        Assert.Equal(Written(whole.Request("node-d", 3, 0, now, LeaseTimeout)),
            Written(recovered.Request("node-d", 3, 0, now, LeaseTimeout)));
        Assert.Equal(Written(whole.Queue.Expire(now)), Written(recovered.Queue.Expire(now)));
        var held = whole.Queue.Leases.First();
        var output = Output(whole.Queue.Open[held.Key].Item);
        Assert.Equal(Written(whole.Complete(held.Value.Node, held.Key, output, now)),
            Written(recovered.Complete(held.Value.Node, held.Key, output, now)));
    }

    /// <summary>
    /// Two searches pulled by three nodes that register, take, renew, finish, give back and lose (expiry, leaving,
    /// another dataset) units in a fixed pseudo-random order until both searches are done: every kind of event,
    /// interleaved.
    /// </summary>
    private static List<IClusterEvent> BusyJournal()
    {
        var journal = new List<IClusterEvent>();
        var state = CoordinatorState.Empty;
        var now = T0;
        void Take(IEnumerable<IClusterEvent> events)
        {
            foreach (var e in events)
            {
                journal.Add(e);
                state = state.Apply(e);
            }
        }

        var specs = new[] { Spec(seed: 1, tickets: 2), Spec(seed: 2, tickets: 3) };
        // The second at another priority than the default, so that the snapshot must keep it.
        foreach (var (spec, priority) in specs.Zip([SearchPriority.Default, 2]))
            Take(state.Submit(spec, now, priority));
        var random = new Random(7);
        for (var step = 0; step < 2000 && !specs.All(s => state.Progress(s.SearchId).Finished); step++)
        {
            now = now.AddSeconds(random.Next(1, 8));
            var node = Nodes[random.Next(Nodes.Length)];
            var held = state.Queue.Leases.Where(l => l.Value.Node == node).Select(l => l.Key).Order().ToList();
            switch (random.Next(14))
            {
                case < 3:
                    Take(state.Register(node, 2, now));
                    Take(state.Request(node, 2, 0, now, LeaseTimeout, GiveBackRule.Default));
                    break;
                case < 7 when held.Count > 0:
                    Take(state.Complete(node, held[0], Output(state.Queue.Open[held[0]].Item), now));
                    break;
                case 7:
                    Take(state.Queue.Renew(node, held, now, LeaseTimeout));
                    break;
                case 8:
                    Take(state.Queue.Expire(now));
                    break;
                case 9 when random.Next(4) == 0:
                    Take(state.Queue.EndLeasesOf(node, LeaseEndReason.NodeLeft, now));
                    Take(state.Gone(Nodes.Where(n => n != node).ToHashSet(), now));
                    break;
                case 10 when held.Count > 0:
                    Take(state.GiveBack(node, held[0], "IOException: disk full", GiveBackRule.Default, now));
                    break;
                // Only one node has another copy of the data, so every search still has nodes to run it.
                case 11 when node == "node-c" && held.Count > 0:
                    Take(state.Queue.WrongDataset(node, held[0], now));
                    break;
                // An operator drains and undrains nodes, cancels searches and submits them again.
                case 12:
                    Take(state.Drain(node, !state.Draining.Contains(node), now));
                    break;
                case 13 when specs[random.Next(specs.Length)] is var spec:
                    Take(state.Searches[spec.SearchId].Cancelled
                        ? state.Submit(spec, now)
                        : state.Cancel(spec.SearchId, now));
                    break;
            }
        }

        Assert.All(specs, s => Assert.True(state.Progress(s.SearchId).Finished, $"{s.SearchId} did not finish"));
        var ended = journal.OfType<LeaseEnded>().Select(e => e.Reason).ToHashSet();
        Assert.Superset(new HashSet<LeaseEndReason> { LeaseEndReason.Expired, LeaseEndReason.NodeLeft }, ended);
        Assert.NotEmpty(journal.OfType<LeasesRenewed>());
        // Every part of the state that only events after a snapshot could otherwise rebuild.
        Assert.Superset(new HashSet<LeaseEndReason> { LeaseEndReason.Abandoned, LeaseEndReason.WrongDataset }, ended);
        Assert.NotEmpty(journal.OfType<TrainerLeft>());
        Assert.NotEmpty(journal.OfType<NodeDrained>());
        Assert.NotEmpty(journal.OfType<SearchResumed>());
        return journal;
    }
}
