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
public sealed class ClusterSerializer(ExtendedActorSystem system) : VersionedJsonSerializer(system, TypesByManifest)
{
    public const int Id = 7312;

    public static readonly IReadOnlyDictionary<string, Type> TypesByManifest = new Dictionary<string, Type>
    {
        ["SearchSubmitted.v1"] = typeof(SearchSubmitted),
        ["WorkQueued.v1"] = typeof(WorkQueued),
        ["WorkLeased.v1"] = typeof(WorkLeased),
        ["LeasesRenewed.v1"] = typeof(LeasesRenewed),
        ["LeaseEnded.v1"] = typeof(LeaseEnded),
        ["WorkCompleted.v1"] = typeof(WorkCompleted),
        ["TrainerRegistered.v1"] = typeof(TrainerRegistered),
        ["TrainerLeft.v1"] = typeof(TrainerLeft),
        ["SubmitSearch.v1"] = typeof(SubmitSearch),
        ["SearchAccepted.v1"] = typeof(SearchAccepted),
        ["WorkRequested.v1"] = typeof(WorkRequested),
        ["WorkOffered.v1"] = typeof(WorkOffered),
        ["LeasesHeld.v1"] = typeof(LeasesHeld),
        ["WorkDone.v1"] = typeof(WorkDone),
        ["WorkAcknowledged.v1"] = typeof(WorkAcknowledged),
        ["WorkAbandoned.v1"] = typeof(WorkAbandoned),
        ["ProgressRequested.v1"] = typeof(ProgressRequested),
        // v1 had no running units. A remote message, never journaled: a node of the older protocol is refused.
        ["SearchProgress.v2"] = typeof(SearchProgress),
    };

    public override int Identifier => Id;

    protected override string Purpose => "cluster";

    /// <summary>HOCON that binds the journal entries and the remote messages to this serializer.</summary>
    public static string Hocon => HoconFor("lottery-cluster", typeof(ClusterSerializer), Id,
        typeof(IClusterJournalEntry), typeof(IClusterMessage));
}
