using System.Text;
using System.Text.Json;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The dataset's fingerprint in the journal: DatasetRecorded.v1 and the snapshot (v4, the same bytes as v2 when no
/// init is drawn and no training setup recorded) are pinned byte for byte,
/// a SearchSnapshot.v1 written before the fingerprint existed still reads (with none), and the fold says when a
/// node's copy may work on the search.
/// </summary>
public sealed class DatasetRecordedTests() : TestKit(TestConfig.Akka)
{
    private static readonly string Fingerprint = new('f', 64);
    private static readonly string Other = "0123456789ab" + new string('c', 52);

    private const string GoldenRecordedV1 =
        "{\"Fingerprint\":\"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"," +
        "\"OccurredAt\":\"2026-11-25T12:00:02+00:00\"}";

    private static readonly DatasetRecorded Recorded = new(Fingerprint, SampleEvents.T0.AddSeconds(2));

    /// <summary>A snapshot as version 1 stored it: every field but the fingerprint.</summary>
    private static string GoldenSnapshotV1 =>
        "{\"SearchId\":\"" + SampleEvents.Spec.SearchId + "\",\"SpecJson\":" +
        JsonSerializer.Serialize(SampleEvents.Started().SpecJson) +
        ",\"Inits\":[],\"Tickets\":[],\"Ensemble\":null,\"Completed\":false," +
        "\"StartedAt\":\"2026-11-25T12:00:00+00:00\",\"LastEventAt\":\"2026-11-25T12:00:00+00:00\"}";

    private static string GoldenSnapshotV2 => GoldenSnapshotV1[..^1] + ",\"DatasetFingerprint\":\"" + Fingerprint +
                                              "\"}";

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Recorded);

    [Fact]
    public void DatasetRecorded_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys, Recorded, "DatasetRecorded.v1", GoldenRecordedV1);

    [Fact]
    public void A_snapshot_is_written_as_v4_with_the_fingerprint_as_the_golden_json()
    {
        var state = SearchState.Empty.Apply(SampleEvents.Started()) with { DatasetFingerprint = Fingerprint };
        var snapshot = SearchSnapshot.From(state);

        Assert.Equal("SearchSnapshot.v4", Serializer.Manifest(snapshot));
        Assert.Equal(GoldenSnapshotV2, Encoding.UTF8.GetString(Serializer.ToBinary(snapshot)));
        var restored = (SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenSnapshotV2),
            "SearchSnapshot.v2");
        Assert.Equal(Fingerprint, restored.ToState().DatasetFingerprint);
    }

    [Fact]
    public void A_v1_snapshot_from_before_the_fingerprint_reads_back_with_none()
    {
        var restored = (SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenSnapshotV1),
            "SearchSnapshot.v1");

        var state = restored.ToState();
        Assert.Equal(SampleEvents.Spec.SearchId, state.SearchId);
        Assert.Null(state.DatasetFingerprint);
        Assert.Null(state.DatasetMismatch(Other, "/data/elsewhere"));
    }

    [Fact]
    public void The_fold_keeps_the_fingerprint_and_refuses_only_another_copy_in_one_line()
    {
        var state = SearchState.Empty.Apply(SampleEvents.Started()).Apply(Recorded);

        Assert.Equal(Fingerprint, state.DatasetFingerprint);
        Assert.Null(state.DatasetMismatch(Fingerprint, "/data/same"));
        var mismatch = state.DatasetMismatch(Other, "/data/elsewhere");
        Assert.Equal($"search {SampleEvents.Spec.SearchId} was recorded with a dataset whose fingerprint is " +
                     "ffffffffffff, but the copy at /data/elsewhere has 0123456789ab; point " +
                     "lottery.search.dataset.path at the same files", mismatch);
    }
}
