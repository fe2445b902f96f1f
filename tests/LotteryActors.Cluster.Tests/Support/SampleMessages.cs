using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
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

    /// <summary>The draw of a width's second init (inits-per-width = 2): pins the init index's place.</summary>
    private static readonly WorkItem SecondInit = WorkItem.Init(0, 1);

    /// <summary>
    /// A registered node and a search whose init is done: one run done, one given back once, and a lease that ended
    /// because the node has another copy of the data (so every part of the state is in the snapshot).
    /// </summary>
    /// <param name="inits">Inits per width: with 2, the second init's draw is still queued in the snapshot.</param>
    /// <param name="priority">The search's priority.</param>
    private static CoordinatorState SnapshotState(int inits = 1, int priority = SearchPriority.Default)
    {
        var init = WorkItem.Init(0).IdIn(Spec.SearchId);
        var spec = inits == 1 ? Spec : Spec with { InitsPerWidth = inits };
        var state = CoordinatorState.Empty.Fold(CoordinatorState.Empty.Submit(spec, T0, priority));
        state = state.Fold(state.Register(Node, 1, T0));
        state = state.Fold([new WorkLeased(init, Node, T0.AddSeconds(60), T0)]);
        state = state.Fold(state.Complete(Node, init, Output(WorkItem.Init(0)), T0.AddSeconds(10)));
        state = state.Fold(state.Request(Node, 1, 0, T0.AddSeconds(20), LeaseTimeout));
        var first = state.Queue.Leases.Keys.Single();
        state = state.Fold(state.Complete(Node, first, Output(state.Queue.Open[first].Item), T0.AddSeconds(30)));
        state = state.Fold(state.Request(Node, 1, 0, T0.AddSeconds(40), LeaseTimeout));
        var second = state.Queue.Leases.Keys.Single();
        state = state.Fold(state.Queue.GiveBack(Node, second, "IOException: disk full", GiveBackRule.Default,
            presentNodes: 1, T0.AddSeconds(45)));
        state = state.Fold(state.Request(Node, 1, 0, T0.AddSeconds(50), LeaseTimeout));
        state = state.Fold(state.Queue.WrongDataset(Node, state.Queue.Leases.Keys.Single(), T0.AddSeconds(55)));
        return state.Apply(Cordoned);
    }

    /// <summary>The state with its node drained and its one search cancelled by an operator.</summary>
    private static CoordinatorState DrainedAndCancelled(CoordinatorState state) => state.Fold(
    [
        new NodeDrained(Node, T0.AddSeconds(57)),
        new SearchCancelled(state.Searches.Keys.Single(), T0.AddSeconds(58)),
    ]);

    private static readonly NodeCordoned Cordoned = new(Node,
        "3 or more give-backs within 00:10:00; last: IOException: disk full", T0.AddSeconds(56));

    /// <summary>A search's ensembles at one level of two members: pins the shape of a planned level.</summary>
    private static readonly WorkItem Ensembles = WorkItem.Ensemble(
        [new EnsembleMembers(0, 1.0, 1, 0.5, 0.88, [Hash("weights w0-t0"), Hash("weights w0-t1")])]);

    private static readonly string EnsemblesId = Ensembles.IdIn(Spec.SearchId);

    public static object For(string manifest) => manifest switch
    {
        "SearchSubmitted.v2" => new SearchSubmitted(Spec.SearchId, CanonicalSpec.ToJson(Spec), T0) { Priority = 3 },
        "SearchSubmitted.v1" => new SearchSubmitted(Spec.SearchId, CanonicalSpec.ToJson(Spec), T0),
        "SearchAdopted.v1" => new SearchAdopted(SearchSnapshot.From(SearchState.Empty
            .Apply(new SearchEvents.SearchStarted(Spec.SearchId, CanonicalSpec.ToJson(Spec), T0))
            .Apply(new SearchEvents.DatasetRecorded(Hash("dataset"), T0))
            .Apply(new SearchEvents.InitDrawn(0, Hash("init"), Hash("ones"), T0, 1))), T0.AddMinutes(5)),
        "WorkQueued.v3" => new WorkQueued(SecondInit.IdIn(Spec.SearchId), Spec.SearchId, SecondInit, T0),
        "WorkQueued.v2" => new WorkQueued(EnsemblesId, Spec.SearchId, Ensembles, T0),
        "WorkQueued.v1" => new WorkQueued(RunId, Spec.SearchId, Run, T0),
        "WorkLeased.v1" => new WorkLeased(RunId, Node, T0.AddSeconds(60), T0),
        "LeasesRenewed.v1" => new LeasesRenewed(Node, [RunId, WorkItem.Init(0).IdIn(Spec.SearchId)],
            T0.AddSeconds(90), T0.AddSeconds(30)),
        "LeaseEnded.v4" => new LeaseEnded(RunId, Node, LeaseEndReason.Unreachable, T0.AddSeconds(40)),
        "LeaseEnded.v3" => new LeaseEnded(RunId, Node, LeaseEndReason.Stalled, T0.AddSeconds(40)),
        "LeaseEnded.v2" => new LeaseEnded(RunId, Node, LeaseEndReason.WrongDataset, T0.AddSeconds(40)),
        "LeaseEnded.v1" => new LeaseEnded(RunId, Node, LeaseEndReason.NodeLeft, T0.AddSeconds(40)),
        "WorkCompleted.v3" => new WorkCompleted(RunId, Node, Output(Run), T0.AddSeconds(70))
        {
            DatasetFingerprint = Hash("dataset"),
            Setup = new TrainingSetup("cuda", "stacked", StackSize: 8, TorchThreads: 2),
        },
        "WorkCompleted.v2" => new WorkCompleted(EnsemblesId, Node, Output(Ensembles), T0.AddSeconds(70))
        {
            DatasetFingerprint = Hash("dataset"),
        },
        "WorkCompleted.v1" => new WorkCompleted(RunId, Node, Output(Run), T0.AddSeconds(50)),
        "WorkFailed.v1" => new WorkFailed(RunId, "IOException: No space left on device", 3, T0.AddSeconds(55)),
        "CoordinatorSnapshot.v7" =>
            CoordinatorSnapshot.From(DrainedAndCancelled(SnapshotState(inits: 2, priority: 3))) with
            {
                Finished = [new FinishedSearch(Hand.Spec(seed: 9).SearchId, RunsDone: 30, RunsTotal: 30)],
            },
        "CoordinatorSnapshot.v6" =>
            CoordinatorSnapshot.From(DrainedAndCancelled(SnapshotState(inits: 2, priority: 3))) with
            {
                Finished = null,
            },
        "CoordinatorSnapshot.v5" => CoordinatorSnapshot.From(DrainedAndCancelled(SnapshotState(inits: 2))) with
        {
            Priorities = null,
            Finished = null,
        },
        "CoordinatorSnapshot.v4" => CoordinatorSnapshot.From(SnapshotState(inits: 2)) with
        {
            Draining = null,
            Cancelled = null,
            Priorities = null,
            Finished = null,
        },
        "CoordinatorSnapshot.v3" => CoordinatorSnapshot.From(SnapshotState()) with
        {
            Draining = null,
            Cancelled = null,
            Priorities = null,
            Finished = null,
        },
        "CoordinatorSnapshot.v2" => CoordinatorSnapshot.From(SnapshotState()) with
        {
            Cordoned = null,
            RecentGiveBacks = null,
            Draining = null,
            Cancelled = null,
            Priorities = null,
            Finished = null,
        },
        "CoordinatorSnapshot.v1" => CoordinatorSnapshot.From(SnapshotState()) with
        {
            GivenBackBy = null,
            Cordoned = null,
            RecentGiveBacks = null,
            Draining = null,
            Cancelled = null,
            Priorities = null,
            Finished = null,
        },
        "NodeCordoned.v1" => Cordoned,
        "NodeUncordoned.v1" => new NodeUncordoned(Node, T0.AddMinutes(30)),
        "NodeDrained.v1" => new NodeDrained(Node, T0.AddMinutes(40)),
        "NodeUndrained.v1" => new NodeUndrained(Node, T0.AddMinutes(50)),
        "SearchCancelled.v1" => new SearchCancelled(Spec.SearchId, T0.AddMinutes(60)),
        "SearchResumed.v1" => new SearchResumed(Spec.SearchId, T0.AddMinutes(70)),
        "NodesRequested.v1" => NodesRequested.Instance,
        "NodesReport.v1" => new NodesReport(
        [
            new NodeStatus(Node, "10.0.0.7:4053", ["coordinator", "trainer"], "up", "6", Slots: 4, Free: 3,
                [new RunningWork(Node, Run, new TrainingProgress(Iteration: 1200, TotalIterations: 3000, 4321.5))],
                RecentFailures: 2, Cordoned: null, Draining: true),
            new NodeStatus("akka.tcp://lottery@10.0.0.8:4053#-42", "10.0.0.8:4053", [], "left", null, Slots: 2,
                Free: null, [], RecentFailures: 3, Cordoned: Cordoned.Reason, Draining: false),
        ]),
        "DrainRequested.v1" => new DrainRequested(Node, Drain: true),
        "DrainSet.v1" => new DrainSet(Node, Draining: true, Changed: true),
        "CancelRequested.v1" => new CancelRequested(Spec.SearchId),
        "CancelAnswered.v1" => new CancelAnswered(Spec.SearchId, Known: true, Changed: true, Stopped: 2),
        "UnitsCancelled.v1" => new UnitsCancelled([RunId, EnsemblesId]),
        "UncordonRequested.v1" => new UncordonRequested("10.0.0.7:4053"),
        "Uncordoned.v1" => new Uncordoned([Node]),
        "TrainerRegistered.v1" => new TrainerRegistered(Node, Slots: 4, T0),
        "TrainerLeft.v1" => new TrainerLeft(Node, T0.AddSeconds(70)),
        "TicketsRetried.v1" => new TicketsRetried(Spec.SearchId, [new TicketRecord(0, 1)],
            [RunId, WorkItem.EnsemblesId(Spec.SearchId)], T0.AddSeconds(80)),
        "SubmitSearch.v2" => new SubmitSearch(CanonicalSpec.ToJson(Spec)) { Priority = 3 },
        "SearchAccepted.v2" => new SearchAccepted(Spec.SearchId, AlreadyKnown: true, Resumed: true),
        "RetryFailedTickets.v1" => new RetryFailedTickets(Spec.SearchId),
        "FailedTicketsRetried.v1" => new FailedTicketsRetried(Spec.SearchId, Known: true, Retried: 1),
        "WorkRequested.v1" => new WorkRequested(Node, Slots: 4, Busy: 1),
        "WorkOffered.v3" => new WorkOffered(RunId, Spec.SearchId, CanonicalSpec.ToJson(Spec), Run, T0.AddSeconds(60))
        {
            DatasetFingerprint = Hash("dataset"),
        },
        "LeasesHeld.v2" => new LeasesHeld(Node, [RunId, EnsemblesId],
            new Dictionary<string, TrainingProgress> { [RunId] = new(Iteration: 1200, TotalIterations: 3000, 4321.5) }),
        "WorkDone.v3" => new WorkDone(Node, RunId, Output(Run))
        {
            DatasetFingerprint = Hash("dataset"),
            Setup = new TrainingSetup("cpu", "separate", StackSize: null, TorchThreads: 1),
        },
        "WorkAcknowledged.v1" => new WorkAcknowledged(RunId),
        "WorkAbandoned.v1" => new WorkAbandoned(Node, RunId, "IOException: No space left on device"),
        "WorkRefused.v1" => new WorkRefused(Node, RunId, Hash("other dataset"),
            "search ba3371e12189c242 was recorded with a dataset whose fingerprint is 6a1a3ae8a1d1, but the copy " +
            "at data/mnist has 0b5f7e2d9c44; point lottery.search.dataset.path at the same files"),
        "ProgressRequested.v1" => new ProgressRequested(Spec.SearchId),
        "SearchProgress.v5" => new SearchProgress(Spec.SearchId, Known: true, Done: 5, Total: 14, Finished: false,
            [
                new RunningWork(Node, Run, new TrainingProgress(Iteration: 1200, TotalIterations: 3000, 4321.5)),
                new RunningWork(Node, WorkItem.Init(1), Progress: null),
                new RunningWork(Node, SecondInit, Progress: null),
            ]) { Cancelled = true },
        _ => throw new ArgumentOutOfRangeException(nameof(manifest), manifest, "no sample for this manifest"),
    };
}
