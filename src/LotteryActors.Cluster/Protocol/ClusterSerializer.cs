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
    : VersionedJsonSerializer(system, TypesByManifest, OlderJournalManifests)
{
    public const int Id = 7312;

    /// <summary>
    /// The version of the cluster protocol, announced by every node as Akka's <c>app-version</c>: raised whenever a
    /// remote message gets a new manifest, so that a joining node sees at once that a member speaks one it cannot
    /// read (2: offers and results carry the dataset fingerprint; 3: renewals and progress answers carry each
    /// training run's iterations and examples/s; 4: results carry how their runs were trained; 5: an init draw names
    /// which of its width's inits it draws, a client may ask for a search's failed tickets to run again, and an
    /// operator lifts a node's cordon; 6: an operator lists the nodes, drains a node and cancels a search, and a
    /// progress answer says when its search was cancelled; 7: a submission's answer says when it resumed a cancelled
    /// search; 8: a submission carries the search's priority). Nodes before it announced their assembly version.
    /// </summary>
    public const string ProtocolVersion = "8";

    public static readonly IReadOnlyDictionary<string, Type> TypesByManifest = new Dictionary<string, Type>
    {
        // v2: the search's priority.
        ["SearchSubmitted.v2"] = typeof(SearchSubmitted),
        ["SearchAdopted.v1"] = typeof(SearchAdopted),
        // v2: a unit may be a search's ensembles (WorkItem.Ensembles, WorkOutput.Ensemble); v3: an init draw names
        // its init (WorkItem.InitIndex), which an older reader would take for init 0.
        ["WorkQueued.v3"] = typeof(WorkQueued),
        ["WorkLeased.v1"] = typeof(WorkLeased),
        ["LeasesRenewed.v1"] = typeof(LeasesRenewed),
        // v3: a lease may end because its run stalled; v4: because its node became unreachable.
        ["LeaseEnded.v4"] = typeof(LeaseEnded),
        // v3: a run's completion says how it was trained.
        ["WorkCompleted.v3"] = typeof(WorkCompleted),
        ["WorkFailed.v1"] = typeof(WorkFailed),
        // v2: give-backs by node as well as per unit; v3: cordoned nodes and each node's recent give-backs; v4: its
        // queued init draws may name an init other than 0, as WorkQueued.v3; v5: draining nodes, cancelled searches;
        // v6: the searches' priorities; v7: finished searches as their final progress only.
        ["CoordinatorSnapshot.v7"] = typeof(CoordinatorSnapshot),
        ["NodeCordoned.v1"] = typeof(NodeCordoned),
        ["NodeUncordoned.v1"] = typeof(NodeUncordoned),
        ["NodeDrained.v1"] = typeof(NodeDrained),
        ["NodeUndrained.v1"] = typeof(NodeUndrained),
        ["SearchCancelled.v1"] = typeof(SearchCancelled),
        ["SearchResumed.v1"] = typeof(SearchResumed),
        ["TrainerRegistered.v1"] = typeof(TrainerRegistered),
        ["TrainerLeft.v1"] = typeof(TrainerLeft),
        ["TicketsRetried.v1"] = typeof(TicketsRetried),
        // v1 carried no priority. Remote, never journaled: a node of the older protocol is refused.
        ["SubmitSearch.v2"] = typeof(SubmitSearch),
        // v1 did not say whether the submission resumed a cancelled search. Remote, never journaled: a node of the
        // older protocol is refused.
        ["SearchAccepted.v2"] = typeof(SearchAccepted),
        ["RetryFailedTickets.v1"] = typeof(RetryFailedTickets),
        ["FailedTicketsRetried.v1"] = typeof(FailedTicketsRetried),
        ["WorkRequested.v1"] = typeof(WorkRequested),
        // v3: an init draw names its init. Remote, never journaled: a node of the older protocol is refused.
        ["WorkOffered.v3"] = typeof(WorkOffered),
        // v1 had no progress. Remote, never journaled: a node of the older protocol is refused, as below.
        ["LeasesHeld.v2"] = typeof(LeasesHeld),
        // v2 carried no training setup. Remote, never journaled: a node of the older protocol is refused.
        ["WorkDone.v3"] = typeof(WorkDone),
        ["WorkAcknowledged.v1"] = typeof(WorkAcknowledged),
        ["WorkAbandoned.v1"] = typeof(WorkAbandoned),
        ["WorkRefused.v1"] = typeof(WorkRefused),
        ["ProgressRequested.v1"] = typeof(ProgressRequested),
        // v1 had no running units, v2 no progress per unit, v3 no init index on a running init draw, v4 no
        // cancellation. A remote message, never journaled: a node of the older protocol is refused.
        ["SearchProgress.v5"] = typeof(SearchProgress),
        ["UncordonRequested.v1"] = typeof(UncordonRequested),
        ["Uncordoned.v1"] = typeof(Uncordoned),
        ["NodesRequested.v1"] = typeof(NodesRequested),
        ["NodesReport.v1"] = typeof(NodesReport),
        ["DrainRequested.v1"] = typeof(DrainRequested),
        ["DrainSet.v1"] = typeof(DrainSet),
        ["CancelRequested.v1"] = typeof(CancelRequested),
        ["CancelAnswered.v1"] = typeof(CancelAnswered),
        ["UnitsCancelled.v1"] = typeof(UnitsCancelled),
    };

    /// <summary>
    /// Journal entries written by earlier versions, still read so a journal outlives an upgrade: a v1 completion has
    /// no dataset fingerprint and a v2 one no training setup, a v1 lease end no wrong-dataset reason (a v3 one no
    /// unreachable node), and a v1 unit
    /// or output lacks the ensemble fields, which read as null (no ensemble unit existed), a v2 unit names no init
    /// index, which reads as init 0 (every width had one init), and a v1 snapshot has its give-backs per unit only, a
    /// v2 one no cordons, a v3 one no init index, a v4 one no drains or cancellations and a v5 one no priorities (every
    /// search reads as the default, 1), as a v1 submission has none, and a v6 one no forgotten searches (it kept
    /// every search whole). Remote messages get no
    /// such entry: a node of an older protocol version is refused by name rather than trusted with a check it does
    /// not make.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Type> OlderJournalManifests = new Dictionary<string, Type>
    {
        ["SearchSubmitted.v1"] = typeof(SearchSubmitted),
        ["WorkQueued.v1"] = typeof(WorkQueued),
        ["WorkQueued.v2"] = typeof(WorkQueued),
        ["LeaseEnded.v1"] = typeof(LeaseEnded),
        ["LeaseEnded.v2"] = typeof(LeaseEnded),
        ["LeaseEnded.v3"] = typeof(LeaseEnded),
        ["WorkCompleted.v1"] = typeof(WorkCompleted),
        ["WorkCompleted.v2"] = typeof(WorkCompleted),
        ["CoordinatorSnapshot.v1"] = typeof(CoordinatorSnapshot),
        ["CoordinatorSnapshot.v2"] = typeof(CoordinatorSnapshot),
        ["CoordinatorSnapshot.v3"] = typeof(CoordinatorSnapshot),
        ["CoordinatorSnapshot.v4"] = typeof(CoordinatorSnapshot),
        ["CoordinatorSnapshot.v5"] = typeof(CoordinatorSnapshot),
        ["CoordinatorSnapshot.v6"] = typeof(CoordinatorSnapshot),
    };

    /// <summary>The manifest <typeparamref name="T"/> is written under today, for readers of the journal's rows.
    /// </summary>
    public static string ManifestOf<T>() => TypesByManifest.Single(p => p.Value == typeof(T)).Key;

    public override int Identifier => Id;

    protected override string Purpose => "cluster";

    /// <summary>HOCON that binds the journal entries and the remote messages to this serializer.</summary>
    public static string Hocon => HoconFor("lottery-cluster", typeof(ClusterSerializer), Id,
        typeof(IClusterJournalEntry), typeof(IClusterMessage));
}
