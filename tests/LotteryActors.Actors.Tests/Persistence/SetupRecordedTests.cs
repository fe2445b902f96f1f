using System.Text;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The training setup in the journal: SetupRecorded.v1 and a v4 snapshot holding one are pinned byte for byte, a v3
/// snapshot (before setups were journaled) reads with none, and the fold keeps the last one recorded.
/// </summary>
public sealed class SetupRecordedTests() : TestKit(TestConfig.Akka)
{
    private static readonly TrainingSetup Separate = new("cpu", "separate", null, 1);
    private static readonly TrainingSetup Stacked = new("cuda", "stacked", 8, 1);

    private const string GoldenRecordedV1 =
        "{\"Setup\":{\"Device\":\"cuda\",\"Engine\":\"stacked\",\"StackSize\":8,\"TorchThreads\":1}," +
        "\"OccurredAt\":\"2026-11-25T12:00:03+00:00\"}";

    private static readonly SetupRecorded Recorded = new(Stacked, SampleEvents.T0.AddSeconds(3));

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Recorded);

    [Fact]
    public void SetupRecorded_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys, Recorded, "SetupRecorded.v1", GoldenRecordedV1);

    [Fact]
    public void A_v4_snapshot_keeps_the_setup_and_a_v3_one_reads_with_none()
    {
        var state = SearchState.Empty.Apply(SampleEvents.Started()).Apply(Recorded);
        var v4 = Encoding.UTF8.GetString(Serializer.ToBinary(SearchSnapshot.From(state)));
        Assert.EndsWith(",\"DatasetFingerprint\":null,\"Setup\":" + GoldenRecordedV1.Split(",\"OccurredAt\"")[0]
            ["{\"Setup\":".Length..] + "}", v4);

        var restored = (SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(v4), "SearchSnapshot.v4");
        Assert.Equal(Stacked, restored.ToState().Setup);
        var v3 = v4[..v4.LastIndexOf(",\"Setup\"", StringComparison.Ordinal)] + "}";
        var old = (SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(v3), "SearchSnapshot.v3");
        Assert.Null(old.ToState().Setup);
    }

    [Fact]
    public void The_fold_keeps_the_last_setup_and_says_it_in_words()
    {
        var state = SearchState.Empty.Apply(SampleEvents.Started())
            .Apply(new SetupRecorded(Separate, SampleEvents.T0)).Apply(Recorded);

        Assert.Equal(Stacked, state.Setup);
        Assert.Equal("separate on cpu with 1 libtorch thread", Separate.ToString());
        Assert.Equal("stacked in stacks of 8 on cuda with 2 libtorch threads",
            (Stacked with { TorchThreads = 2 }).ToString());
    }
}
