using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>
/// A search with several inits per width on the cluster, as pure folds: each init is a unit of its own, and what
/// happens to one init's draw reaches that init's tickets and no other's.
/// </summary>
public sealed class InitsPerWidthTests
{
    private static readonly SearchSpec TwoInits = Spec(tickets: 2) with { InitsPerWidth = 2 };

    private static readonly InitId First = new(0, 0);
    private static readonly InitId Second = new(0, 1);

    private static IReadOnlyList<OpenUnit> Draws(CoordinatorState state) =>
        state.Queue.Open.Values.Where(u => u.Item.Kind == WorkKind.Init).OrderBy(u => u.Item.InitToDraw).ToList();

    [Fact]
    public void Each_init_of_a_width_is_queued_as_a_unit_of_its_own_and_the_first_keeps_its_old_id()
    {
        var draws = Draws(Submitted(TwoInits));

        Assert.Equal([First, Second], draws.Select(d => d.Item.InitToDraw));
        Assert.Equal([$"{TwoInits.SearchId}/init/w0", $"{TwoInits.SearchId}/init/w0/i1"], draws.Select(d => d.WorkId));
    }

    [Fact]
    public void The_draw_of_the_second_init_records_that_init_and_opens_only_its_tickets_from_it()
    {
        var state = Submitted(TwoInits);
        var second = Draws(state)[1];
        state = state.Apply(new WorkLeased(second.WorkId, "drawer", T0 + LeaseTimeout, T0));

        var events = state.Complete("drawer", second.WorkId, WorkOutput.Drawn(Hash("init 1"), Hash("dense")), T0);
        state = state.Fold(events);

        var search = state.Searches[TwoInits.SearchId];
        Assert.Equal(Hash("init 1"), search.Inits[Second].InitHash);
        Assert.False(search.Inits.ContainsKey(First));
        var opened = events.OfType<WorkQueued>().Select(q => q.Item.Run!).ToList();
        Assert.Equal(TwoInits.Tickets().Where(t => TwoInits.InitOf(t) == Second).Select(t => t.Index),
            opened.Select(u => u.Ticket.Index).Distinct().Order());
        Assert.All(opened, unit => Assert.Equal(Hash("init 1"), unit.StartHash));
    }

    [Fact]
    public void An_init_draw_that_fails_for_good_fails_only_the_tickets_of_that_init()
    {
        var state = Submitted(TwoInits);
        var first = Draws(state)[0];

        state = state.Fold([new WorkFailed(first.WorkId, "IOException: disk full", GiveBacks: 3, T0)]);

        var search = state.Searches[TwoInits.SearchId];
        Assert.Equal(TwoInits.Tickets().Where(t => TwoInits.InitOf(t) == First),
            search.FailedTickets().OrderBy(t => t.Index));
        Assert.Equal(2, search.OpenTickets().Count());
    }
}
