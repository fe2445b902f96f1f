using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Search;

public sealed class SearchStateTests
{
    private static SearchState Fold(params ISearchEvent[] events) => events.Aggregate(SearchState.Empty, (s, e) => s.Apply(e));

    [Fact]
    public void Started_search_knows_its_spec_and_tickets_but_no_runs()
    {
        var state = Fold(SampleEvents.Started());
        Assert.Equal(SampleEvents.Spec.SearchId, state.SearchId);
        Assert.Equal(CanonicalSpec.ToJson(SampleEvents.Spec), CanonicalSpec.ToJson(state.Spec!));
        Assert.Equal([new InitId(0, 0)], state.InitsNotDrawn());
        Assert.Equal((0, 7), state.Progress());
        Assert.False(state.AllTicketsDone);
    }

    [Fact]
    public void Next_unit_follows_the_schedule_using_journaled_masks()
    {
        var state = Fold(SampleEvents.Started(), SampleEvents.Init());
        var first = state.NextUnit(SampleEvents.Ticket)!;
        Assert.Equal((0, RunKind.Ticket), (first.Round, first.Kind));
        Assert.Equal(new string('m', 64), first.MaskHash);

        state = state.Apply(SampleEvents.Round(0));
        var second = state.NextUnit(SampleEvents.Ticket)!;
        Assert.Equal((1, RunKind.Ticket), (second.Round, second.Kind));
        Assert.Equal(new string('b', 64), second.MaskHash);

        state = state.Apply(SampleEvents.Round(1, density: 0.8));
        var third = state.NextUnit(SampleEvents.Ticket)!;
        Assert.Equal((1, RunKind.RandomReinit), (third.Round, third.Kind));
        Assert.Equal(new string('b', 64), third.MaskHash);
    }

    [Fact]
    public void A_result_delivered_twice_is_counted_once()
    {
        var round = SampleEvents.Round(0);
        var state = Fold(SampleEvents.Started(), SampleEvents.Init(), round);
        var again = state.Apply(round);
        Assert.Single(again.Ticket(SampleEvents.Ticket).Runs);
    }

    [Fact]
    public void Failed_and_finished_tickets_are_done_and_the_search_then_awaits_its_ensemble()
    {
        var spec = SampleEvents.Spec with { TicketsPerWidth = 2 };
        var state = Fold(
            new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec), SampleEvents.T0),
            new TicketFinished(new TicketRecord(0, 0), SampleEvents.T0));
        Assert.Equal([new TicketId(0, 1)], state.OpenTickets());

        state = state.Apply(new TicketFailed(new TicketRecord(0, 1), "diverged", 1, SampleEvents.T0));
        Assert.True(state.AllTicketsDone);
        Assert.Equal("diverged", state.Ticket(new TicketId(0, 1)).FailureReason);
        Assert.False(state.Completed);
        Assert.True(state.Apply(new SearchCompleted(SampleEvents.T0)).Completed);
    }

    [Fact]
    public void Every_event_moves_the_last_event_time()
    {
        var events = SampleEvents.All();
        var state = Fold([.. events]);
        Assert.Equal(events[^1].OccurredAt, state.LastEventAt);
        Assert.Equal(SampleEvents.T0, state.StartedAt);
    }
}
