using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Cluster.Protocol;

/// <summary>
/// Marker for every message that crosses nodes. Bound to <see cref="ClusterSerializer"/> (JSON under versioned
/// manifests, pinned by golden files): a node of another protocol version fails to read a message it does not
/// know rather than misreading it. Messages carry hashes, ids and numbers, never tensors: a remote frame holds at
/// most 128 KB, and artifacts travel through the artifact store.
/// </summary>
public interface IClusterMessage;

/// <summary>The work-pulling protocol between trainer nodes, clients and the singleton coordinator.</summary>
public static class WorkMessages
{
    /// <summary>Client to coordinator: run this search (canonical spec JSON); answered by <see cref="SearchAccepted"/>.
    /// </summary>
    public sealed record SubmitSearch(string SpecJson) : IClusterMessage
    {
        /// <summary>The search's share of the slots (v2, <see cref="SearchPriority"/>); it counts at the first
        /// submission only: a search submitted again keeps the priority it was first given.</summary>
        public int Priority { get; init; } = SearchPriority.Default;
    }

    /// <summary>Coordinator to client: the search is journaled; <c>AlreadyKnown</c> when it was before, and
    /// <c>Resumed</c> when an operator had cancelled it and this submission let it go on.</summary>
    public sealed record SearchAccepted(string SearchId, bool AlreadyKnown, bool Resumed) : IClusterMessage;

    /// <summary>Client to coordinator: run the search's failed tickets again; answered by
    /// <see cref="FailedTicketsRetried"/>.</summary>
    public sealed record RetryFailedTickets(string SearchId) : IClusterMessage;

    /// <summary>
    /// Coordinator to client: <paramref name="Retried"/> failed tickets of the search are open again (0 when none
    /// had failed, or the request was a repeat); <paramref name="Known"/> is false for a search never submitted.
    /// </summary>
    public sealed record FailedTicketsRetried(string SearchId, bool Known, int Retried) : IClusterMessage;

    /// <summary>
    /// Trainer node to coordinator, whenever a slot frees and periodically (so a new coordinator learns of it
    /// after a hand-over): the node has <paramref name="Slots"/> slots, <paramref name="Busy"/> of them in use.
    /// </summary>
    public sealed record WorkRequested(string Node, int Slots, int Busy) : IClusterMessage;

    /// <summary>Coordinator to trainer node: the unit is leased to it until <paramref name="Deadline"/>.</summary>
    public sealed record WorkOffered(
        string WorkId, string SearchId, string SpecJson, WorkItem Item, DateTimeOffset Deadline) : IClusterMessage
    {
        /// <summary>The fingerprint of the dataset the search recorded (v2); null until its first unit is done.
        /// A node whose copy differs refuses the unit (<see cref="WorkRefused"/>) instead of training on it.</summary>
        public string? DatasetFingerprint { get; init; }
    }

    /// <summary>
    /// Trainer node to coordinator: still working on these units; renew their leases. <paramref name="Progress"/>
    /// (v2) is how far each training run among them is, by work id; a unit still waiting for a slot, an init draw
    /// and an ensemble evaluation have none. The coordinator keeps it in memory only (it changes every renewal and
    /// a successor learns it from the next one), so a client following the search sees each unit's pace.
    /// </summary>
    public sealed record LeasesHeld(
        string Node, IReadOnlyList<string> WorkIds, IReadOnlyDictionary<string, TrainingProgress> Progress)
        : IClusterMessage;

    /// <summary>
    /// A training run's <paramref name="Iteration"/> of <paramref name="TotalIterations"/> on its node, and the
    /// examples per second measured since it started there (null until it has moved).
    /// </summary>
    public sealed record TrainingProgress(int Iteration, int TotalIterations, double? ExamplesPerSecond);

    /// <summary>
    /// Trainer node to coordinator: the unit's output, its artifacts already stored. Sent again until
    /// <see cref="WorkAcknowledged"/> arrives, so a result finished during a coordinator hand-over is not lost.
    /// </summary>
    public sealed record WorkDone(string Node, string WorkId, WorkOutput Output) : IClusterMessage
    {
        /// <summary>The fingerprint of the node's dataset the output was computed from (v2; see
        /// <see cref="ClusterEvents.WorkCompleted.DatasetFingerprint"/>).</summary>
        public string? DatasetFingerprint { get; init; }

        /// <summary>How the node trained the run (v3; see <see cref="ClusterEvents.WorkCompleted.Setup"/>); null for
        /// an init draw and an ensemble evaluation.</summary>
        public TrainingSetup? Setup { get; init; }
    }

    /// <summary>Coordinator to trainer node: the output is journaled (now or before); stop sending it.</summary>
    public sealed record WorkAcknowledged(string WorkId) : IClusterMessage;

    /// <summary>Trainer node to coordinator: it cannot run the unit (a fault outside the run's science).</summary>
    public sealed record WorkAbandoned(string Node, string WorkId, string Reason) : IClusterMessage;

    /// <summary>
    /// Trainer node to coordinator: its copy of the search's dataset hashes to <paramref name="DatasetFingerprint"/>,
    /// not to the one the search recorded, so it will not run the unit (<paramref name="Reason"/> says so in one
    /// line). The unit goes back without counting against it, and the node gets no more of that search's units.
    /// </summary>
    public sealed record WorkRefused(string Node, string WorkId, string DatasetFingerprint, string Reason)
        : IClusterMessage;

    /// <summary>Client to coordinator: how far is this search? Answered with <see cref="SearchProgress"/>.</summary>
    public sealed record ProgressRequested(string SearchId) : IClusterMessage;

    /// <summary>
    /// Runs journaled over runs asked for, and the search's units leased now with the node running each (v2: a
    /// client that follows a search sees where its work runs) and how far each is (v3); <c>Known</c> is false for a
    /// search never submitted; <c>Finished</c> once the search is complete, its ensembles journaled.
    /// </summary>
    public sealed record SearchProgress(
        string SearchId, bool Known, int Done, int Total, bool Finished, IReadOnlyList<RunningWork> Running)
        : IClusterMessage
    {
        /// <summary>An operator cancelled the search (v5): a client following it stops there.</summary>
        public bool Cancelled { get; init; }
    }

    /// <summary>Operator to coordinator: lift the cordon of <paramref name="Node"/>, a node id or its host:port.
    /// Answered with <see cref="Uncordoned"/>.</summary>
    public sealed record UncordonRequested(string Node) : IClusterMessage;

    /// <summary>Coordinator to operator: the node ids whose cordon was lifted (empty: none matched a cordoned node).
    /// </summary>
    public sealed record Uncordoned(IReadOnlyList<string> Nodes) : IClusterMessage;

    /// <summary>Operator to coordinator: every node of the cluster as it stands now. Answered with
    /// <see cref="NodesReport"/>.</summary>
    public sealed record NodesRequested : IClusterMessage
    {
        public static readonly NodesRequested Instance = new();
    }

    /// <summary>Coordinator to operator: every member of the cluster, and every trainer node recorded as gone.
    /// </summary>
    public sealed record NodesReport(IReadOnlyList<NodeStatus> Nodes) : IClusterMessage;

    /// <summary>
    /// Operator (or a trainer node that stops) to coordinator: drain <paramref name="Node"/> (a node id), or undrain
    /// it where <paramref name="Drain"/> is false. Answered with <see cref="DrainSet"/>.
    /// </summary>
    public sealed record DrainRequested(string Node, bool Drain) : IClusterMessage;

    /// <summary>Coordinator to operator: the node drains now or not; <paramref name="Changed"/> is false when it
    /// already did (or did not).</summary>
    public sealed record DrainSet(string Node, bool Draining, bool Changed) : IClusterMessage;

    /// <summary>Operator to coordinator: cancel the search. Answered with <see cref="CancelAnswered"/>.</summary>
    public sealed record CancelRequested(string SearchId) : IClusterMessage;

    /// <summary>
    /// Coordinator to operator: <paramref name="Known"/> is false for a search never submitted;
    /// <paramref name="Changed"/> false when it was cancelled (or complete) already; <paramref name="Stopped"/> units
    /// were running and are being stopped on their nodes.
    /// </summary>
    public sealed record CancelAnswered(string SearchId, bool Known, bool Changed, int Stopped) : IClusterMessage;

    /// <summary>Coordinator to trainer node: these units' leases ended (their search was cancelled, or the node lost
    /// them while it was unheard or stalled); stop them.</summary>
    public sealed record UnitsCancelled(IReadOnlyList<string> WorkIds) : IClusterMessage;

    /// <summary>A unit leased to <paramref name="Node"/> (a node id: address and incarnation), with the progress
    /// its node reported at its latest renewal (null before one, and for a unit that is not a training run).
    /// </summary>
    public sealed record RunningWork(string Node, WorkItem Item, TrainingProgress? Progress);
}
