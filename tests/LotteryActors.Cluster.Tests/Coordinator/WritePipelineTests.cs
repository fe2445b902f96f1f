using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Tests.Coordinator;

/// <summary>
/// The coordinator decides while its writes are in flight and journals the events of many decisions together
/// (group commit); what it tells must still wait for the journal. A journal that holds its writes back
/// (<see cref="GatedJournal"/>) shows it: nothing reaches a node or a client while the write it rests on is held,
/// and every request made meanwhile is answered once, after it.
/// </summary>
public sealed class WritePipelineTests() : TestKit(GatedJournal.Hocon)
{
    private const string Node = "local#1";
    // Long enough for a message told too early to arrive; the held journal, not this wait, keeps a correct
    // coordinator quiet, so a longer wait changes nothing but the test's length.
    private static readonly TimeSpan WhileHeld = TimeSpan.FromMilliseconds(500);

    private IActorRef Journal => Persistence.Instance.Apply(Sys).JournalFor(null);

    [Fact]
    public async Task A_lease_reaches_its_node_only_once_journaled_and_requests_made_during_a_write_are_answered_once_after_it()
    {
        var coordinator = await StartWithSearches(Hand.Spec(seed: 1), Hand.Spec(seed: 2));
        var node = CreateTestProbe();
        var client = CreateTestProbe();
        var operatorProbe = CreateTestProbe();
        await Journal.Ask(GatedJournal.Hold);

        coordinator.Tell(new WorkRequested(Node, 2, 0), node.Ref);
        coordinator.Tell(new SubmitSearch(CanonicalSpec.ToJson(Hand.Spec(seed: 3))), client.Ref);
        coordinator.Tell(new DrainRequested(Node, Drain: false), operatorProbe.Ref);
        await node.ExpectNoMsgAsync(WhileHeld);
        await client.ExpectNoMsgAsync(TimeSpan.Zero);
        await operatorProbe.ExpectNoMsgAsync(TimeSpan.Zero);
        await Journal.Ask(GatedJournal.Release);

        var offers = new[] { await node.ExpectMsgAsync<WorkOffered>(), await node.ExpectMsgAsync<WorkOffered>() };
        Assert.False((await client.ExpectMsgAsync<SearchAccepted>()).AlreadyKnown);
        Assert.False((await operatorProbe.ExpectMsgAsync<DrainSet>()).Changed);
        await node.ExpectNoMsgAsync(WhileHeld);
        await client.ExpectNoMsgAsync(TimeSpan.Zero);
        await operatorProbe.ExpectNoMsgAsync(TimeSpan.Zero);
        var leases = (await Written()).OfType<WorkLeased>().ToList();
        Assert.Equal(leases.Select(l => l.WorkId).Order(), offers.Select(o => o.WorkId).Order());
        Assert.Equal(2, offers.Select(o => o.SearchId).Distinct().Count());
    }

    [Fact]
    public async Task A_result_delivered_twice_during_its_write_is_journaled_once_and_acknowledged_only_after_it()
    {
        var coordinator = await StartWithSearches(Hand.Spec(seed: 4));
        var node = CreateTestProbe();
        coordinator.Tell(new WorkRequested(Node, 1, 0), node.Ref);
        var offer = await node.ExpectMsgAsync<WorkOffered>();
        await Journal.Ask(GatedJournal.Hold);

        var done = new WorkDone(Node, offer.WorkId, Hand.Output(offer.Item));
        coordinator.Tell(done, node.Ref);
        coordinator.Tell(done, node.Ref);
        await node.ExpectNoMsgAsync(WhileHeld);
        await Journal.Ask(GatedJournal.Release);

        // The completion frees the node's slot: the next unit is leased in the same write, offered, then both
        // deliveries are acknowledged.
        var next = await node.ExpectMsgAsync<WorkOffered>();
        Assert.Equal(offer.WorkId, (await node.ExpectMsgAsync<WorkAcknowledged>()).WorkId);
        Assert.Equal(offer.WorkId, (await node.ExpectMsgAsync<WorkAcknowledged>()).WorkId);
        await node.ExpectNoMsgAsync(WhileHeld);
        var written = await Written();
        Assert.Single(written.OfType<WorkCompleted>(), c => c.WorkId == offer.WorkId);
        Assert.Single(written.OfType<WorkLeased>(), l => l.WorkId == next.WorkId);
    }

    /// <summary>A coordinator of its own journal (this node its only member) that took the searches.</summary>
    private async Task<IActorRef> StartWithSearches(params SearchSpec[] specs)
    {
        var coordinator = Sys.ActorOf(WorkCoordinator.Props(Lab.Timing with { ExpiryCheck = TimeSpan.FromHours(1) },
            snapshotEvery: 1000, membership: new LocalMembership(Node), persistenceId: "write-pipeline"));
        foreach (var spec in specs)
            await coordinator.Ask<SearchAccepted>(new SubmitSearch(CanonicalSpec.ToJson(spec)), RemainingOrDefault);
        return coordinator;
    }

    private async Task<List<object>> Written() => await Journal.Ask<List<object>>(GatedJournal.Written);
}
