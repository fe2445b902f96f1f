using Akka.Actor;
using LotteryActors.Actors.Persistence;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Protocol;

/// <summary>
/// The cluster's journal entries and remote messages as versioned JSON (see <see cref="VersionedJsonSerializer"/>):
/// a node of another protocol version fails to read a message it does not know, rather than misreading it.
/// Golden files pin each format.
/// </summary>
public sealed class ClusterSerializer(ExtendedActorSystem system)
    : VersionedJsonSerializer(system, TypesByManifest, OlderTypesByManifest)
{
    public const int Id = 7312;

    public static readonly IReadOnlyDictionary<string, Type> TypesByManifest = new Dictionary<string, Type>
    {
        ["SearchSubmitted.v1"] = typeof(SearchSubmitted),
        // v2 of the four below: a unit may be a search's ensembles (WorkItem.Ensembles, WorkOutput.Ensemble).
        ["WorkQueued.v2"] = typeof(WorkQueued),
        ["WorkLeased.v1"] = typeof(WorkLeased),
        ["LeasesRenewed.v1"] = typeof(LeasesRenewed),
        ["LeaseEnded.v1"] = typeof(LeaseEnded),
        ["WorkCompleted.v2"] = typeof(WorkCompleted),
        ["SubmitSearch.v1"] = typeof(SubmitSearch),
        ["SearchAccepted.v1"] = typeof(SearchAccepted),
        ["WorkRequested.v1"] = typeof(WorkRequested),
        ["WorkOffered.v2"] = typeof(WorkOffered),
        ["LeasesHeld.v1"] = typeof(LeasesHeld),
        ["WorkDone.v2"] = typeof(WorkDone),
        ["WorkAcknowledged.v1"] = typeof(WorkAcknowledged),
        ["WorkAbandoned.v1"] = typeof(WorkAbandoned),
        ["ProgressRequested.v1"] = typeof(ProgressRequested),
        ["SearchProgress.v1"] = typeof(SearchProgress),
    };

    /// <summary>
    /// Older journal entries, still read: a v1 unit or output lacks the ensemble fields, which read as null (no
    /// ensemble unit existed). Remote v1 messages are not read: a node of that protocol fails loudly instead.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Type> OlderTypesByManifest = new Dictionary<string, Type>
    {
        ["WorkQueued.v1"] = typeof(WorkQueued),
        ["WorkCompleted.v1"] = typeof(WorkCompleted),
    };

    public override int Identifier => Id;

    protected override string Purpose => "cluster";

    /// <summary>HOCON that binds the journal entries and the remote messages to this serializer.</summary>
    public static string Hocon => HoconFor("lottery-cluster", typeof(ClusterSerializer), Id,
        typeof(IClusterJournalEntry), typeof(IClusterMessage));
}
