using LotteryActors.Actors.Ensembles;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// One hand-made instance of every journaled and remote cluster type under each manifest it is written or still
/// read under, for the golden-file tests.
/// </summary>
public static class SampleMessages
{
    private const string Node = "akka.tcp://lottery@10.0.0.7:4053#1234567";

    private static readonly SearchSpec Spec = Hand.Spec();

    private static readonly WorkItem Run = WorkItem.Train(
        new WorkUnit(new TicketId(0, 1), 2, RunKind.RandomMask, Hash("start"), Hash("mask")));

    private static readonly string RunId = Run.IdIn(Spec.SearchId);

    /// <summary>A search's ensembles at one level of two members: pins the shape of a planned level.</summary>
    private static readonly WorkItem Ensembles = WorkItem.Ensemble(
        [new EnsembleMembers(0, 1.0, 1, 0.5, 0.88, [Hash("weights w0-t0"), Hash("weights w0-t1")])]);

    private static readonly string EnsemblesId = Ensembles.IdIn(Spec.SearchId);

    public static object For(string manifest) => manifest switch
    {
        "SearchSubmitted.v1" => new SearchSubmitted(Spec.SearchId, CanonicalSpec.ToJson(Spec), T0),
        "WorkQueued.v2" => new WorkQueued(EnsemblesId, Spec.SearchId, Ensembles, T0),
        "WorkQueued.v1" => new WorkQueued(RunId, Spec.SearchId, Run, T0),
        "WorkLeased.v1" => new WorkLeased(RunId, Node, T0.AddSeconds(60), T0),
        "LeasesRenewed.v1" => new LeasesRenewed(Node, [RunId, WorkItem.Init(0).IdIn(Spec.SearchId)],
            T0.AddSeconds(90), T0.AddSeconds(30)),
        "LeaseEnded.v1" => new LeaseEnded(RunId, Node, LeaseEndReason.NodeLeft, T0.AddSeconds(40)),
        "WorkCompleted.v2" => new WorkCompleted(EnsemblesId, Node, Output(Ensembles), T0.AddSeconds(70)),
        "WorkCompleted.v1" => new WorkCompleted(RunId, Node, Output(Run), T0.AddSeconds(50)),
        "SubmitSearch.v1" => new SubmitSearch(CanonicalSpec.ToJson(Spec)),
        "SearchAccepted.v1" => new SearchAccepted(Spec.SearchId, AlreadyKnown: true),
        "WorkRequested.v1" => new WorkRequested(Node, Slots: 4, Busy: 1),
        "WorkOffered.v2" => new WorkOffered(RunId, Spec.SearchId, CanonicalSpec.ToJson(Spec), Run, T0.AddSeconds(60)),
        "LeasesHeld.v1" => new LeasesHeld(Node, [RunId]),
        "WorkDone.v2" => new WorkDone(Node, WorkItem.Init(0).IdIn(Spec.SearchId), Output(WorkItem.Init(0))),
        "WorkAcknowledged.v1" => new WorkAcknowledged(RunId),
        "WorkAbandoned.v1" => new WorkAbandoned(Node, RunId, "IOException: No space left on device"),
        "ProgressRequested.v1" => new ProgressRequested(Spec.SearchId),
        "SearchProgress.v1" => new SearchProgress(Spec.SearchId, Known: true, Done: 5, Total: 14, Finished: false),
        _ => throw new ArgumentOutOfRangeException(nameof(manifest), manifest, "no sample for this manifest"),
    };
}
