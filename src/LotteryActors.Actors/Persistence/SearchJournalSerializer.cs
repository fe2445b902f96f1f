using Akka.Actor;
using LotteryActors.Actors.Protocol;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Persistence;

/// <summary>Journals search events and snapshots as versioned JSON (<see cref="VersionedJsonSerializer"/>).</summary>
public sealed class SearchJournalSerializer(ExtendedActorSystem system)
    : VersionedJsonSerializer(system, Current, Older)
{
    public const int Id = 7311;

    /// <summary>The manifest each entry is written under today.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Current = new Dictionary<string, Type>
    {
        ["SearchStarted.v1"] = typeof(SearchStarted),
        ["DatasetRecorded.v1"] = typeof(DatasetRecorded),
        ["SetupRecorded.v1"] = typeof(SetupRecorded),
        // v2: which of the width's inits (inits-per-width).
        ["InitDrawn.v2"] = typeof(InitDrawn),
        // v2: a run's result names what a control drew (RunResult.Control).
        ["RoundCompleted.v2"] = typeof(RoundCompleted),
        ["TicketFailed.v1"] = typeof(TicketFailed),
        ["TicketFinished.v1"] = typeof(TicketFinished),
        ["TicketRetried.v1"] = typeof(TicketRetried),
        ["EnsembleEvaluated.v1"] = typeof(EnsembleEvaluated),
        ["SearchCompleted.v1"] = typeof(SearchCompleted),
        // v2: the dataset's fingerprint, and runs with their control provenance; v3: inits with their index;
        // v4: the training setup.
        ["SearchSnapshot.v4"] = typeof(SearchSnapshot),
    };

    /// <summary>
    /// Older versions, still read. A v1 run result lacks <c>Control</c>, which reads as null: those controls drew
    /// their init or mask without storing it. A v1 snapshot also lacks the dataset's fingerprint, which reads as
    /// null (the next resume records it). A v1 init draw, and the inits of a v1 or v2 snapshot, lack the init's
    /// index, which reads as 0: they come from searches with one init per width. A snapshot before v4 lacks the
    /// training setup, which reads as null.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Type> Older = new Dictionary<string, Type>
    {
        ["InitDrawn.v1"] = typeof(InitDrawn),
        ["RoundCompleted.v1"] = typeof(RoundCompleted),
        ["SearchSnapshot.v1"] = typeof(SearchSnapshot),
        ["SearchSnapshot.v2"] = typeof(SearchSnapshot),
        ["SearchSnapshot.v3"] = typeof(SearchSnapshot),
    };

    public override int Identifier => Id;

    protected override string Purpose => "journal";

    /// <summary>HOCON that binds every journal entry to this serializer.</summary>
    public static string Hocon =>
        HoconFor("search-journal", typeof(SearchJournalSerializer), Id, typeof(ISearchJournalEntry));
}
