using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>Journaled entries survive a round trip through the serializer Akka picks for them, manifest included.</summary>
public sealed class SearchJournalSerializerTests() : TestKit(TestConfig.Akka)
{
    public static TheoryData<int> EventIndexes => new(Enumerable.Range(0, SampleEvents.All().Count));

    [Theory]
    [MemberData(nameof(EventIndexes))]
    public void Every_event_round_trips_under_a_versioned_manifest(int index)
    {
        var original = SampleEvents.All()[index];
        var restored = RoundTrip(original, out var manifest);
        Assert.Matches(@"\.v[0-9]+$", manifest);
        Assert.StartsWith(original.GetType().Name, manifest);
        Assert.Equal(Json(original), Json(restored));
    }

    [Fact]
    public void A_snapshot_round_trips_to_the_same_state()
    {
        var state = SampleEvents.All().Aggregate(SearchState.Empty, (s, e) => s.Apply(e));
        var restored = ((SearchSnapshot)RoundTrip(SearchSnapshot.From(state), out _)).ToState();
        Assert.Equal(Json(SearchSnapshot.From(state)), Json(SearchSnapshot.From(restored)));
        Assert.Equal(state.Progress(), restored.Progress());
        Assert.Equal(state.OpenTickets(), restored.OpenTickets());
    }

    [Fact]
    public void Journal_entries_use_the_search_serializer_and_an_unknown_manifest_is_refused()
    {
        var serializer = Sys.Serialization.FindSerializerFor(SampleEvents.Started());
        Assert.IsType<SearchJournalSerializer>(serializer);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() =>
            ((SerializerWithStringManifest)serializer).FromBinary(Encoding.UTF8.GetBytes("{}"), "RoundCompleted.v9"));
    }

    [Fact]
    public void The_stored_form_is_readable_json()
    {
        var bytes = Sys.Serialization.FindSerializerFor(SampleEvents.Round(1)).ToBinary(SampleEvents.Round(1));
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"Kind\":\"ticket\"", json);
        Assert.Contains("\"EarlyStopIteration\":60", json);
    }

    private object RoundTrip(object original, out string manifest)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(original);
        manifest = serializer.Manifest(original);
        return serializer.FromBinary(serializer.ToBinary(original), manifest);
    }

    private string Json(object o) => Encoding.UTF8.GetString(Sys.Serialization.FindSerializerFor(o).ToBinary(o));
}
