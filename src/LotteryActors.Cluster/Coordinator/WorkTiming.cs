namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// The clocks of the work-pulling protocol (<c>lottery.cluster.work</c>). A lease must outlast a few missed
/// renewals; a trainer lost without a trace (no downing yet) costs at most <see cref="LeaseTimeout"/> plus one
/// <see cref="ExpiryCheck"/> before its units run elsewhere.
/// </summary>
public sealed record WorkTiming(
    TimeSpan LeaseTimeout,
    TimeSpan ExpiryCheck,
    TimeSpan RenewEvery,
    TimeSpan PullEvery,
    TimeSpan RedeliverEvery);
