using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Imp;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// RoundCompleted.v2 adds what a control drew (<see cref="ControlDraw"/>). Its stored form is pinned byte for byte,
/// and v1 entries, written before controls stored their draws, still read: as runs that name no draw.
/// </summary>
public sealed class RoundCompletedVersionsTests() : TestKit(TestConfig.Akka)
{
    private const string Unit =
        "\"Unit\":{\"Ticket\":{\"WidthIndex\":0,\"Index\":0},\"Round\":1,\"Kind\":\"random-reinit\"," +
        "\"StartHash\":\"" + I + "\",\"MaskHash\":\"" + B + "\"},\"Density\":0.8," +
        "\"Metrics\":{\"Iterations\":100,\"ValidationAccuracy\":0.9,\"ValidationLoss\":0.3,\"TestAccuracy\":0.89," +
        "\"TestLoss\":0.31,\"EarlyStopIteration\":60,\"BestValidationAccuracy\":0.91," +
        "\"TestAccuracyAtEarlyStop\":0.895," +
        "\"TrainLoss\":0.25},\"WeightsHash\":\"" + R + "\",\"NextMaskHash\":null,\"RewindHash\":null";

    private const string GoldenV2 = "{\"Result\":{" + Unit +
        ",\"Control\":{\"Seed\":4242,\"InitHash\":\"" + X + "\",\"MaskHash\":null}}," +
        "\"OccurredAt\":\"2026-11-25T12:01:06+00:00\"}";

    private const string GoldenV1 = "{\"Result\":{" + Unit + "},\"OccurredAt\":\"2026-11-25T12:01:06+00:00\"}";

    private const string I = "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string R = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr";
    private const string X = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

    private static readonly RoundCompleted Reinit = SampleEvents.Round(1, RunKind.RandomReinit, 0.8);

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Reinit);

    [Fact]
    public void RoundCompleted_is_stored_under_its_v2_manifest_as_the_golden_json()
    {
        Assert.Equal("RoundCompleted.v2", Serializer.Manifest(Reinit));
        Assert.Equal(GoldenV2, Encoding.UTF8.GetString(Serializer.ToBinary(Reinit)));
    }

    [Fact]
    public void The_golden_v2_json_reads_back_with_the_control_draw()
    {
        var read = (RoundCompleted)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV2), "RoundCompleted.v2");

        Assert.Equal(Reinit, read);
        Assert.Equal(new ControlRecord(4242, X, null), read.Result.Control);
    }

    [Fact]
    public void A_v1_entry_still_reads_as_the_same_run_without_a_control_draw()
    {
        var read = (RoundCompleted)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenV1), "RoundCompleted.v1");

        Assert.Equal(Reinit with { Result = Reinit.Result with { Control = null } }, read);
    }

    [Fact]
    public void A_v1_snapshot_still_reads_and_folds_to_the_same_runs()
    {
        var state = new ISearchEvent[] { SampleEvents.Started(), SampleEvents.Init(), SampleEvents.Round(0) }
            .Aggregate(SearchState.Empty, (s, e) => s.Apply(e));
        var snapshot = SearchSnapshot.From(state);
        Assert.Equal("SearchSnapshot.v4", Serializer.Manifest(snapshot));
        // A v1 snapshot is today's minus the runs' Control field.
        var v1 = Encoding.UTF8.GetString(Serializer.ToBinary(snapshot)).Replace(",\"Control\":null", "");
        Assert.DoesNotContain("\"Control\"", v1);

        var read = ((SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(v1), "SearchSnapshot.v1")).ToState();

        Assert.Equal(state.Tickets.Values.SelectMany(t => t.Runs), read.Tickets.Values.SelectMany(t => t.Runs));
    }
}
