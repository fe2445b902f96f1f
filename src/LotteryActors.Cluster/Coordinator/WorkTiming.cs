using LotteryActors.Cluster.Work;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// The clocks and the give-back limit of the work-pulling protocol (<c>lottery.cluster.work</c>). A lease must
/// outlast a few missed renewals; a trainer lost without a trace (no downing yet) costs at most
/// <see cref="LeaseTimeout"/> plus one <see cref="ExpiryCheck"/> before its units run elsewhere.
/// </summary>
public sealed record WorkTiming(
    TimeSpan LeaseTimeout,
    TimeSpan ExpiryCheck,
    TimeSpan RenewEvery,
    TimeSpan PullEvery,
    TimeSpan RedeliverEvery)
{
    /// <summary>When a unit given back by its nodes fails instead of being queued again, and how long a node that
    /// gave it back is kept away from it (<c>give-back-nodes</c>, <c>max-give-backs</c>, <c>give-back-backoff</c>):
    /// a unit that always trips a bug must not go round for ever, nor must one broken node fail it.</summary>
    public GiveBackRule GiveBacks { get; init; } = GiveBackRule.Default;

    /// <summary>A run whose node renews its lease but reports no progress for this long loses the lease
    /// (<c>stall-timeout</c>); zero: never.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a trainer node that is stopped (SIGTERM) waits for its running units to finish and be
    /// acknowledged before it leaves the cluster (<c>drain-timeout</c>); what is left then goes back to the queue when
    /// it leaves. Zero (the default here, for nodes built in code): it leaves at once.</summary>
    public TimeSpan DrainTimeout { get; init; }
}
