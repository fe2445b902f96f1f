using Akka.Actor;
using LotteryActors.Actors.Protocol;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Persistence;

/// <summary>Journals search events and snapshots as versioned JSON (<see cref="VersionedJsonSerializer"/>).</summary>
public sealed class SearchJournalSerializer(ExtendedActorSystem system)
    : VersionedJsonSerializer(system, TypesByManifest)
{
    public const int Id = 7311;

    private static readonly IReadOnlyDictionary<string, Type> TypesByManifest = new Dictionary<string, Type>
    {
        ["SearchStarted.v1"] = typeof(SearchStarted),
        ["InitDrawn.v1"] = typeof(InitDrawn),
        ["RoundCompleted.v1"] = typeof(RoundCompleted),
        ["TicketFailed.v1"] = typeof(TicketFailed),
        ["TicketFinished.v1"] = typeof(TicketFinished),
        ["TicketRetried.v1"] = typeof(TicketRetried),
        ["EnsembleEvaluated.v1"] = typeof(EnsembleEvaluated),
        ["SearchCompleted.v1"] = typeof(SearchCompleted),
        ["SearchSnapshot.v1"] = typeof(SearchSnapshot),
    };

    public override int Identifier => Id;

    protected override string Purpose => "journal";

    /// <summary>HOCON that binds every journal entry to this serializer.</summary>
    public static string Hocon =>
        HoconFor("search-journal", typeof(SearchJournalSerializer), Id, typeof(ISearchJournalEntry));
}
