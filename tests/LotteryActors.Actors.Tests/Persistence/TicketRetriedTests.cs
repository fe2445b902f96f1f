using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// <c>resume --retry-failed</c> journals TicketRetried.v1. Its stored form is pinned byte for byte, because journals
/// written today must be read by every later version; and its fold reopens the ticket and the search.
/// </summary>
public sealed class TicketRetriedTests() : TestKit(TestConfig.Akka)
{
    private const string GoldenV1 =
        "{\"Ticket\":{\"WidthIndex\":0,\"Index\":1},\"OccurredAt\":\"2026-11-25T12:35:00+00:00\"}";

    private static readonly TicketRetried Retried = new(new TicketRecord(0, 1), SampleEvents.T0.AddMinutes(35));

    [Fact]
    public void TicketRetried_is_stored_under_its_v1_manifest_as_the_golden_json()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Retried);
        Assert.Equal("TicketRetried.v1", serializer.Manifest(Retried));
        Assert.Equal(GoldenV1, Encoding.UTF8.GetString(serializer.ToBinary(Retried)));
    }

    [Fact]
    public void The_golden_v1_json_reads_back_as_the_same_event()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Retried);
        Assert.Equal(Retried, serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV1), "TicketRetried.v1"));
    }

    [Fact]
    public void A_retried_ticket_is_open_again_and_a_completed_search_is_no_longer_completed()
    {
        var spec = SampleEvents.Spec with { TicketsPerWidth = 2 };
        var failedTicket = new TicketId(0, 1);
        ISearchEvent[] events =
        [
            new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec), SampleEvents.T0),
            SampleEvents.Init(),
            new TicketFinished(new TicketRecord(0, 0), SampleEvents.T0),
            new TicketFailed(JournalRecords.From(failedTicket), "CorruptArtifactException: missing", 4,
                SampleEvents.T0),
            SampleEvents.Ensemble(),
            new SearchCompleted(SampleEvents.T0),
        ];
        var state = events.Aggregate(SearchState.Empty, (s, e) => s.Apply(e));
        Assert.Equal([failedTicket], state.FailedTickets());

        var retried = state.Apply(Retried);

        Assert.Empty(retried.FailedTickets());
        Assert.Equal([failedTicket], retried.OpenTickets());
        Assert.False(retried.Completed);
        Assert.Null(retried.Ensemble);
        Assert.True(retried.Ticket(new TicketId(0, 0)).Finished);
    }
}
