using System.Text;
using System.Text.Json;
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
/// The single-node manifests that had no golden JSON before the one execution path replaces the engine that writes
/// them: SearchStarted.v1, TicketFailed.v1, TicketFinished.v1, EnsembleEvaluated.v1, SearchCompleted.v1, a v3
/// snapshot (inits with their index, before setups) and a v4 snapshot with every field set. Journals written with
/// these bytes must read after any later change, so the bytes are constants here, not made from today's writer.
/// </summary>
public sealed class SearchLifecycleGoldenTests() : TestKit(TestConfig.Akka)
{
    private const string I = "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii";
    private const string M = "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm";
    private const string P = "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string F = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    private const string GoldenStartedV1 =
        "{\"SearchId\":\"0123456789abcdef\",\"SpecJson\":\"{\\u0022Seed\\u0022:7}\"," +
        "\"OccurredAt\":\"2026-11-25T12:00:00+00:00\"}";

    private const string GoldenFailedV1 =
        "{\"Ticket\":{\"WidthIndex\":1,\"Index\":2},\"Reason\":\"CorruptArtifactException: missing\"," +
        "\"Attempts\":3,\"OccurredAt\":\"2026-11-25T12:30:00+00:00\"}";

    private const string GoldenFinishedV1 =
        "{\"Ticket\":{\"WidthIndex\":0,\"Index\":0},\"OccurredAt\":\"2026-11-25T12:40:00+00:00\"}";

    private const string Levels =
        "{\"Levels\":[{\"WidthIndex\":0,\"Width\":0.25,\"Round\":1,\"Density\":0.8," +
        "\"Scores\":{\"Members\":2,\"MeanMemberTestAccuracy\":0.8,\"BestMemberTestAccuracy\":0.81," +
        "\"SelectedMemberTestAccuracy\":0.805,\"LogitAverageTestAccuracy\":0.83," +
        "\"ProbabilityAverageTestAccuracy\":0.829,\"MajorityVoteTestAccuracy\":0.82},\"DenseTestAccuracy\":0.85}]}";

    private const string GoldenEnsembleV1 = "{\"Report\":" + Levels + ",\"OccurredAt\":\"2026-11-25T13:00:00+00:00\"}";

    private const string GoldenCompletedV1 = "{\"OccurredAt\":\"2026-11-25T14:00:00+00:00\"}";

    private const string Run =
        "{\"Unit\":{\"Ticket\":{\"WidthIndex\":0,\"Index\":0},\"Round\":0,\"Kind\":\"ticket\"," +
        "\"StartHash\":\"" + I + "\",\"MaskHash\":\"" + M + "\"},\"Density\":1," +
        "\"Metrics\":{\"Iterations\":100,\"ValidationAccuracy\":0.9,\"ValidationLoss\":0.3,\"TestAccuracy\":0.89," +
        "\"TestLoss\":0.31,\"EarlyStopIteration\":60,\"BestValidationAccuracy\":0.91," +
        "\"TestAccuracyAtEarlyStop\":0.895,\"TrainLoss\":0.25},\"WeightsHash\":\"" + P + "\"," +
        "\"NextMaskHash\":\"" + B + "\",\"RewindHash\":null,\"Control\":null}";

    /// <summary>Everything a v3 snapshot holds but a setup: an init with its index, a ticket with one run, a
    /// failed ticket, the ensembles, the dataset.</summary>
    private static string SnapshotBody =>
        "{\"SearchId\":\"" + SampleEvents.Spec.SearchId + "\",\"SpecJson\":" +
        JsonSerializer.Serialize(SampleEvents.Started().SpecJson) +
        ",\"Inits\":[{\"WidthIndex\":0,\"InitHash\":\"" + I + "\",\"DenseMaskHash\":\"" + M + "\"," +
        "\"OccurredAt\":\"2026-11-25T12:00:01+00:00\",\"InitIndex\":0}]," +
        "\"Tickets\":[{\"Ticket\":{\"WidthIndex\":0,\"Index\":0},\"Runs\":[" + Run + "],\"Finished\":true," +
        "\"FailureReason\":null},{\"Ticket\":{\"WidthIndex\":0,\"Index\":1},\"Runs\":[],\"Finished\":false," +
        "\"FailureReason\":\"CorruptArtifactException: missing\"}]," +
        "\"Ensemble\":" + Levels + ",\"Completed\":true,\"StartedAt\":\"2026-11-25T12:00:00+00:00\"," +
        "\"LastEventAt\":\"2026-11-25T14:00:00+00:00\",\"DatasetFingerprint\":\"" + F + "\"";

    private static string GoldenSnapshotV3 => SnapshotBody + "}";

    private static string GoldenSnapshotV4 =>
        SnapshotBody + ",\"Setup\":{\"Device\":\"cpu\",\"Engine\":\"separate\",\"StackSize\":null," +
        "\"TorchThreads\":1}}";

    private static readonly TrainingSetup Setup = new("cpu", "separate", null, 1);

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new SearchCompleted(SampleEvents.T0));

    [Fact]
    public void SearchStarted_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys, new SearchStarted("0123456789abcdef", "{\"Seed\":7}", SampleEvents.T0),
            "SearchStarted.v1", GoldenStartedV1);

    [Fact]
    public void TicketFailed_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys, new TicketFailed(new TicketRecord(1, 2), "CorruptArtifactException: missing",
            3, SampleEvents.T0.AddMinutes(30)), "TicketFailed.v1", GoldenFailedV1);

    [Fact]
    public void TicketFinished_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys,
            new TicketFinished(JournalRecords.From(SampleEvents.Ticket), SampleEvents.T0.AddMinutes(40)),
            "TicketFinished.v1", GoldenFinishedV1);

    [Fact]
    public void SearchCompleted_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back() =>
        JournalGolden.AssertPinned(Sys, new SearchCompleted(SampleEvents.T0.AddHours(2)), "SearchCompleted.v1",
            GoldenCompletedV1);

    /// <summary>A report holds lists, which records compare by reference: read back, it is compared level by level.
    /// </summary>
    [Fact]
    public void EnsembleEvaluated_is_stored_under_its_v1_manifest_as_the_golden_json_and_reads_back()
    {
        var evaluated = SampleEvents.Ensemble();
        Assert.Equal("EnsembleEvaluated.v1", Serializer.Manifest(evaluated));
        Assert.Equal(GoldenEnsembleV1, Encoding.UTF8.GetString(Serializer.ToBinary(evaluated)));

        var read = (EnsembleEvaluated)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenEnsembleV1),
            "EnsembleEvaluated.v1");
        Assert.Equal(evaluated.OccurredAt, read.OccurredAt);
        Assert.Equal(evaluated.Report.Levels, read.Report.Levels);
    }

    [Fact]
    public void A_snapshot_with_every_field_set_is_stored_as_the_golden_v4_json()
    {
        var snapshot = Snapshot() with { Setup = Setup };

        Assert.Equal("SearchSnapshot.v4", Serializer.Manifest(snapshot));
        Assert.Equal(GoldenSnapshotV4, Encoding.UTF8.GetString(Serializer.ToBinary(snapshot)));
        var read = ((SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenSnapshotV4),
            "SearchSnapshot.v4")).ToState();
        Assert.Equal(Setup, read.Setup);
        AssertFolded(read);
    }

    [Fact]
    public void The_golden_v3_snapshot_reads_back_with_its_inits_runs_and_ensembles_and_no_setup()
    {
        var read = ((SearchSnapshot)Serializer.FromBinary(Encoding.UTF8.GetBytes(GoldenSnapshotV3),
            "SearchSnapshot.v3")).ToState();

        Assert.Null(read.Setup);
        AssertFolded(read);
    }

    private static SearchSnapshot Snapshot() => new(
        SampleEvents.Spec.SearchId,
        SampleEvents.Started().SpecJson,
        [SampleEvents.Init()],
        [
            new TicketSnapshot(JournalRecords.From(SampleEvents.Ticket), [SampleEvents.Round(0).Result], true, null),
            new TicketSnapshot(new TicketRecord(0, 1), [], false, "CorruptArtifactException: missing"),
        ],
        SampleEvents.Ensemble().Report,
        true,
        SampleEvents.T0,
        SampleEvents.T0.AddHours(2),
        F);

    private static void AssertFolded(SearchState read)
    {
        Assert.Equal(SampleEvents.Spec.SearchId, read.SearchId);
        Assert.Equal(SampleEvents.Init(), read.Inits[new InitId(0, 0)]);
        Assert.Equal([SampleEvents.Round(0).Result.ToDomain()], read.Ticket(SampleEvents.Ticket).Runs);
        Assert.True(read.Ticket(SampleEvents.Ticket).Finished);
        Assert.Equal("CorruptArtifactException: missing", read.Ticket(new TicketId(0, 1)).FailureReason);
        Assert.Equal(SampleEvents.Ensemble().Report.Levels, read.Ensemble!.Levels);
        Assert.True(read.Completed);
        Assert.Equal(F, read.DatasetFingerprint);
    }
}
