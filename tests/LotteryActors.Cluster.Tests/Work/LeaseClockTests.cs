using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using static LotteryActors.Cluster.Protocol.ClusterEvents;
using static LotteryActors.Cluster.Tests.Support.Hand;

namespace LotteryActors.Cluster.Tests.Work;

/// <summary>Renewals move deadlines in memory (<see cref="LeaseClock"/>) instead of in the journal.</summary>
public sealed class LeaseClockTests
{
    private const string A = "node-a";

    [Fact]
    public void A_renewal_kept_in_memory_holds_a_lease_past_its_journaled_deadline_until_it_runs_out()
    {
        var (state, lease, clock) = Renewed(at: T0.AddSeconds(20));
        var pastJournaled = lease.Deadline.AddSeconds(5);

        Assert.Single(state.Queue.Expire(pastJournaled));
        Assert.Empty(state.Queue.Expire(pastJournaled, clock));
        Assert.Single(state.Queue.Expire(T0.AddSeconds(20) + LeaseTimeout + TimeSpan.FromSeconds(1), clock));
    }

    [Fact]
    public void A_lease_that_ends_or_begins_again_forgets_its_renewed_deadline()
    {
        var (_, lease, clock) = Renewed(at: T0.AddMinutes(5));

        var ended = new LeaseEnded(lease.WorkId, A, LeaseEndReason.Abandoned, T0.AddMinutes(6));

        Assert.Empty(clock.After(ended).Deadlines);
        Assert.Empty(clock.After(lease).Deadlines);
        Assert.Single(clock.After(new TrainerRegistered(A, 1, T0)).Deadlines);
    }

    /// <summary>A unit leased to A at T0, its lease renewed in memory <paramref name="at"/>.</summary>
    private static (CoordinatorState State, WorkLeased Lease, LeaseClock Clock) Renewed(DateTimeOffset at)
    {
        var state = Submitted(Spec());
        var lease = Assert.Single(state.Request(A, 1, 0, T0, LeaseTimeout));
        state = state.Apply(lease);
        return (state, lease, LeaseClock.Empty.Renewed(state.Queue.Renew(A, [lease.WorkId], at, LeaseTimeout)));
    }
}
