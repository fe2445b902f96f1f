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
    /// <summary>Give-backs (faults outside the run's science) after which a unit fails instead of being queued
    /// again (<c>max-give-backs</c>): a unit that always trips a bug must not go round for ever.</summary>
    public int MaxGiveBacks { get; init; } = 3;
}
