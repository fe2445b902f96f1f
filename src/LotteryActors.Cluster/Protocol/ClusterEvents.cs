using System.Text.Json.Serialization;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Cluster.Protocol.Journal;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Cluster.Protocol;

/// <summary>
/// Marker for what the cluster coordinator journals. Bound to <see cref="ClusterSerializer"/>, which writes each
/// entry as JSON under a versioned manifest ("WorkLeased.v1"); golden files pin every format.
/// </summary>
public interface IClusterJournalEntry;

/// <summary>Facts about the cluster's work, in order. <see cref="CoordinatorState"/> is their fold.</summary>
public interface IClusterEvent : IClusterJournalEntry
{
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Why a lease ended without a result; the unit goes back to the queue either way. Journaled by the pinned
/// names.</summary>
public enum LeaseEndReason
{
    /// <summary>The node did not renew the lease before its deadline.</summary>
    [JsonStringEnumMemberName("expired")] Expired,

    /// <summary>The node left the cluster or was downed.</summary>
    [JsonStringEnumMemberName("node-left")] NodeLeft,

    /// <summary>The node gave the unit back (a fault outside the run's science, such as a full disk).</summary>
    [JsonStringEnumMemberName("abandoned")] Abandoned,

    /// <summary>
    /// The node's copy of the search's dataset differs from the one the search recorded: the unit goes back without
    /// counting against it, and no unit of that search is leased to that node again (new in v2).
    /// </summary>
    [JsonStringEnumMemberName("wrong-dataset")] WrongDataset,

    /// <summary>
    /// The node kept renewing the lease, but its run reported no progress for the stall timeout (a hung run): the
    /// unit runs elsewhere, without counting against it (new in v3).
    /// </summary>
    [JsonStringEnumMemberName("stalled")] Stalled,

    /// <summary>
    /// The cluster stopped hearing the node (unreachable), before any downing: its units run elsewhere at once,
    /// without counting against them, and a result it sends later is not the lease holder's (new in v4).
    /// </summary>
    [JsonStringEnumMemberName("unreachable")] Unreachable,
}

public static class ClusterEvents
{
    /// <summary>A search was handed to the cluster; the canonical spec travels with it.</summary>
    public sealed record SearchSubmitted(string SearchId, string SpecJson, DateTimeOffset OccurredAt) : IClusterEvent
    {
        /// <summary>Its share of the slots against the other searches' (v2, <see cref="SearchPriority"/>); a v1
        /// submission reads as the default, the equal share every search had then.</summary>
        public int Priority { get; init; } = SearchPriority.Default;
    }

    /// <summary>
    /// A search the single-node engine journaled (under <c>search-&lt;id&gt;</c>, before the one execution path),
    /// taken over by its one-node coordinator once: its state as that engine left it. That journal is only read
    /// from then on; what the search does next is journaled here.
    /// </summary>
    public sealed record SearchAdopted(SearchSnapshot Search, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>A unit joined the queue of its search.</summary>
    public sealed record WorkQueued(string WorkId, string SearchId, WorkItem Item, DateTimeOffset OccurredAt)
        : IClusterEvent;

    /// <summary>A unit was handed to a node, which must renew the lease before the deadline or lose it.</summary>
    public sealed record WorkLeased(string WorkId, string Node, DateTimeOffset Deadline, DateTimeOffset OccurredAt)
        : IClusterEvent;

    /// <summary>The node is still working on these units: their leases now end at the new deadline.</summary>
    public sealed record LeasesRenewed(
        string Node, IReadOnlyList<string> WorkIds, DateTimeOffset Deadline, DateTimeOffset OccurredAt)
        : IClusterEvent;

    /// <summary>A lease ended without a result; the unit is queued again. v2 added
    /// <see cref="LeaseEndReason.WrongDataset"/>, v3 <see cref="LeaseEndReason.Stalled"/>, v4
    /// <see cref="LeaseEndReason.Unreachable"/>.</summary>
    public sealed record LeaseEnded(string WorkId, string Node, LeaseEndReason Reason, DateTimeOffset OccurredAt)
        : IClusterEvent;

    /// <summary>
    /// A trainer node asked for work for the first time, or again after it was recorded as gone, or with another
    /// number of slots. Journaled so that anyone reading the journal (the dashboard, on any machine) sees the
    /// cluster's nodes and their slots; the leases already name the node that runs each unit.
    /// </summary>
    public sealed record TrainerRegistered(string Node, int Slots, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// A registered trainer node is no longer a member (it left, was downed, or was removed while no coordinator
    /// was there to hear it); its leases end by their own <see cref="LeaseEnded"/>.
    /// </summary>
    public sealed record TrainerLeft(string Node, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// The node gave units back (faults outside their science) too often within the cordon window: it takes no new
    /// units until an operator lifts the cordon (<see cref="NodeUncordoned"/>); what it runs now may still finish.
    /// <paramref name="Reason"/> says why in one line, with the last give-back's cause.
    /// </summary>
    public sealed record NodeCordoned(string Node, string Reason, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>An operator lifted the node's cordon: it takes units again, its earlier give-backs forgiven.</summary>
    public sealed record NodeUncordoned(string Node, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// An operator drains the node (<c>lottery drain</c>), or the node drains itself as it stops (SIGTERM): what it
    /// runs now finishes, it takes no new units. Journaled, so a coordinator that takes over keeps it; it holds until
    /// <see cref="NodeUndrained"/> or the node leaves (a restarted node is a new node).
    /// </summary>
    public sealed record NodeDrained(string Node, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>An operator undrained the node (<c>lottery undrain</c>): it takes units again.</summary>
    public sealed record NodeUndrained(string Node, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// An operator cancelled the search (<c>lottery cancel</c>): its leases end at once (the units wait again, their
    /// nodes are told to stop them) and none of its units is leased until it is resumed
    /// (<see cref="SearchResumed"/>). Nothing journaled is lost: its runs so far stay its runs.
    /// </summary>
    public sealed record SearchCancelled(string SearchId, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>A cancelled search was submitted again, or resumed: its units are leased again from where it stopped.
    /// </summary>
    public sealed record SearchResumed(string SearchId, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// A unit's output, from whichever node delivered it first; its artifacts are in the store. Journaled once
    /// per unit: a second delivery (a slow node whose lease was reassigned) is acknowledged and dropped.
    /// </summary>
    public sealed record WorkCompleted(string WorkId, string Node, WorkOutput Output, DateTimeOffset OccurredAt)
        : IClusterEvent
    {
        /// <summary>
        /// The fingerprint of the dataset the node computed it from (v2); the search's first one is what it
        /// records. Null in v1 entries, and for a diverged run (its node checked the fingerprint before starting).
        /// </summary>
        public string? DatasetFingerprint { get; init; }

        /// <summary>
        /// How the node trained the run (v3): device, engine and stack size, libtorch threads. A stacked run and a
        /// separate one agree only to float tolerance, so a search whose runs came from nodes set up differently
        /// cannot be reproduced bit for bit by one setup; the journal says which run came from which. Null in
        /// older entries, for an init draw and for an ensemble evaluation.
        /// </summary>
        public TrainingSetup? Setup { get; init; }
    }

    /// <summary>
    /// An operator asked to run a search's failed tickets again (<c>resume &lt;id&gt; --retry-failed</c>): each of
    /// <paramref name="Tickets"/> is open again from its last journaled run, and the units in
    /// <paramref name="Reopened"/> (the runs or init draws that failed, and the search's ensembles when they were
    /// evaluated without those tickets) may be queued and journaled once more. Journaled once: a repeated request
    /// finds no failed ticket and journals nothing.
    /// </summary>
    public sealed record TicketsRetried(string SearchId, IReadOnlyList<TicketRecord> Tickets,
        IReadOnlyList<string> Reopened, DateTimeOffset OccurredAt) : IClusterEvent;

    /// <summary>
    /// The unit was given back for faults outside the run's science as many times, and by as many different nodes,
    /// as the coordinator allows (<see cref="GiveBackRule"/>): it will not run again, and its ticket (a run) or its
    /// init's tickets (an init draw) fail with <paramref name="Reason"/>, the last node's cause, so a unit that always
    /// trips a bug or a broken machine ends instead of going round for ever.
    /// </summary>
    public sealed record WorkFailed(string WorkId, string Reason, int GiveBacks, DateTimeOffset OccurredAt)
        : IClusterEvent;
}
