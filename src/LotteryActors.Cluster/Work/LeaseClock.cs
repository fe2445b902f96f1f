using System.Collections.Immutable;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.ClusterEvents;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// The deadlines that renewals moved, in memory only: a renewal is not journaled (it changes nothing a successor
/// could use, since a successor gives every live node's leases a full timeout at take-over, and journaling one per
/// node every few seconds cost most of the coordinator's writes). The journaled deadline of a lease is the one it
/// was leased with (or, in a journal written before this, its last journaled renewal); a lease expires at the later
/// of that and its deadline here. A lease that begins or ends clears its entry.
/// </summary>
public sealed record LeaseClock(ImmutableDictionary<string, DateTimeOffset> Deadlines)
{
    public static readonly LeaseClock Empty = new(ImmutableDictionary<string, DateTimeOffset>.Empty);

    /// <summary>The renewals the queue decided (<see cref="WorkQueue.Renew"/>, <see cref="WorkQueue.RenewAll"/>).
    /// </summary>
    public LeaseClock Renewed(IEnumerable<LeasesRenewed> renewals) => this with
    {
        Deadlines = Deadlines.SetItems(renewals.SelectMany(r =>
            r.WorkIds.Select(id => KeyValuePair.Create(id, r.Deadline)))),
    };

    /// <summary>A journaled event: a unit leased anew, back in the queue or done keeps no renewed deadline.</summary>
    public LeaseClock After(IClusterEvent e) => e switch
    {
        WorkLeased leased => Without(leased.WorkId),
        LeaseEnded ended => Without(ended.WorkId),
        WorkCompleted completed => Without(completed.WorkId),
        WorkFailed failed => Without(failed.WorkId),
        _ => this,
    };

    /// <summary>When the lease on <paramref name="workId"/> ends: its journaled deadline, or a later renewal's.
    /// </summary>
    public DateTimeOffset DeadlineOf(string workId, Lease lease) =>
        Deadlines.TryGetValue(workId, out var renewed) && renewed > lease.Deadline ? renewed : lease.Deadline;

    private LeaseClock Without(string workId) => this with { Deadlines = Deadlines.Remove(workId) };
}
