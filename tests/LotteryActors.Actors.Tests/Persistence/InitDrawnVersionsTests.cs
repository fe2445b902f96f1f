using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// InitDrawn.v2 names which of its width's inits was drawn (inits-per-width). Its stored form is pinned byte for
/// byte; v1 entries and the inits of v1/v2 snapshots, written when every width had one init, read as init 0, and a
/// search journaled that way still folds to a schedule whose tickets start from that init.
/// </summary>
public sealed class InitDrawnVersionsTests() : TestKit(TestConfig.Akka)
{
    private const string I = "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii";
    private const string M = "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm";

    private const string GoldenV1 = "{\"WidthIndex\":1,\"InitHash\":\"" + I + "\",\"DenseMaskHash\":\"" + M +
                                    "\",\"OccurredAt\":\"2026-11-25T12:00:01+00:00\"}";

    private static readonly InitDrawn SecondInit = new(1, I, M, SampleEvents.T0.AddSeconds(1), InitIndex: 2);

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(SecondInit);

    private static string V2 => GoldenV1[..^1] + ",\"InitIndex\":2}";

    [Fact]
    public void InitDrawn_is_stored_under_its_v2_manifest_with_the_init_index()
    {
        var read = (InitDrawn)JournalGolden.AssertPinned(Sys, SecondInit, "InitDrawn.v2", V2);
        Assert.Equal(new InitId(1, 2), read.Id);
    }

    [Fact]
    public void A_v1_entry_reads_as_init_zero_of_its_width()
    {
        var read = (InitDrawn)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV1), "InitDrawn.v1");

        Assert.Equal(SecondInit with { InitIndex = 0 }, read);
    }

    [Fact]
    public void A_v2_snapshot_reads_its_inits_as_init_zero_and_a_v3_one_keeps_their_index()
    {
        var spec = SampleEvents.Spec with { TicketsPerWidth = 1, InitsPerWidth = 2 };
        var state = new ISearchEvent[]
        {
            new SearchStarted(spec.SearchId, CanonicalSpec.ToJson(spec), SampleEvents.T0),
            new InitDrawn(0, I, M, SampleEvents.T0, 0),
            new InitDrawn(0, M, I, SampleEvents.T0, 1),
        }.Aggregate(SearchState.Empty, (s, e) => s.Apply(e));
        var snapshot = SearchSnapshot.From(state);
        var v3 = Encoding.UTF8.GetString(Serializer.ToBinary(snapshot));
        Assert.Equal("SearchSnapshot.v4", Serializer.Manifest(snapshot));

        var restored = ((SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(v3), "SearchSnapshot.v3")).ToState();
        Assert.Equal(M, restored.Inits[new InitId(0, 1)].InitHash);
        Assert.Equal(M, restored.NextUnit(new TicketId(0, 1))!.StartHash);
        Assert.Equal(I, restored.NextUnit(new TicketId(0, 0))!.StartHash);

        // A v2 snapshot is a v3 one whose inits carry no index: from a search with one init per width.
        var oneInit = SearchSnapshot.From(SearchState.Empty.Apply(SampleEvents.Started()).Apply(SampleEvents.Init()));
        var v2 = Encoding.UTF8.GetString(Serializer.ToBinary(oneInit)).Replace(",\"InitIndex\":0", "");
        Assert.DoesNotContain("InitIndex", v2);
        var old = ((SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(v2), "SearchSnapshot.v2")).ToState();
        Assert.Equal([new InitId(0, 0)], old.Inits.Keys);
        Assert.Empty(old.InitsNotDrawn());
        Assert.Equal(SampleEvents.Init().InitHash, old.NextUnit(SampleEvents.Ticket)!.StartHash);
    }
}
