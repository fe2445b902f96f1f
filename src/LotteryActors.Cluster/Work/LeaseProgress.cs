using System.Collections.Immutable;
using LotteryActors.Cluster.Protocol;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cluster.Work;

/// <summary>
/// How far each leased training run is, as its node last reported with its renewal: what a client following a
/// search is shown. Transient, so never journaled nor in a snapshot: it changes with every renewal, and a
/// successor coordinator learns it from the next one. A lease that begins or ends clears its unit's entry, so a
/// unit that moved on shows its new holder's progress or none, never an old holder's.
/// </summary>
public sealed record LeaseProgress(ImmutableDictionary<string, TrainingProgress> ByWorkId)
{
    public static readonly LeaseProgress Empty = new(ImmutableDictionary<string, TrainingProgress>.Empty);

    /// <summary>When each reported unit's iteration last moved (by this coordinator's clock): a unit whose node
    /// keeps renewing its lease without moving is stalled (<see cref="Stalled"/>).</summary>
    public ImmutableDictionary<string, DateTimeOffset> MovedAt { get; init; } =
        ImmutableDictionary<string, DateTimeOffset>.Empty;

    /// <summary>
    /// <paramref name="node"/>'s renewal at <paramref name="now"/>: the progress of the units whose lease it holds
    /// in <paramref name="queue"/>. What it says of others (a lease that expired or went to another node meanwhile)
    /// is dropped.
    /// </summary>
    public LeaseProgress Reported(string node, IReadOnlyDictionary<string, TrainingProgress> progress,
        WorkQueue queue, DateTimeOffset now)
    {
        var held = progress.Where(p => queue.HeldBy(node, p.Key)).ToList();
        return this with
        {
            ByWorkId = ByWorkId.SetItems(held),
            MovedAt = MovedAt.SetItems(held.Where(p => Of(p.Key)?.Iteration != p.Value.Iteration)
                .Select(p => KeyValuePair.Create(p.Key, now))),
        };
    }

    /// <summary>The units whose iteration has not moved for <paramref name="timeout"/>, although their node still
    /// reports them: a hung run. A unit that never reported progress (an init draw, an ensemble evaluation, a run
    /// still waiting for a slot) is not judged. None when <paramref name="timeout"/> is zero.</summary>
    public IReadOnlyList<string> Stalled(DateTimeOffset now, TimeSpan timeout) =>
        timeout <= TimeSpan.Zero
            ? []
            : MovedAt.Where(p => now - p.Value >= timeout).Select(p => p.Key).Order().ToList();

    /// <summary>A journaled event: a unit leased anew, back in the queue or done has no progress to show.</summary>
    public LeaseProgress After(IClusterEvent e) => e switch
    {
        WorkLeased leased => Without(leased.WorkId),
        LeaseEnded ended => Without(ended.WorkId),
        WorkCompleted completed => Without(completed.WorkId),
        WorkFailed failed => Without(failed.WorkId),
        _ => this,
    };

    public TrainingProgress? Of(string workId) => ByWorkId.GetValueOrDefault(workId);

    private LeaseProgress Without(string workId) => this with
    {
        ByWorkId = ByWorkId.Remove(workId),
        MovedAt = MovedAt.Remove(workId),
    };
}
