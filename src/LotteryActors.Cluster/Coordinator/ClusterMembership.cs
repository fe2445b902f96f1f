using Akka.Actor;
using Akka.Cluster;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>The membership of an Akka.Cluster: the coordinator singleton of <c>lottery node</c>.</summary>
public sealed class ClusterMembership(Akka.Cluster.Cluster cluster) : IMembership
{
    public IReadOnlySet<string> Members() =>
        cluster.State.Members.Select(m => NodeId.Of(m.UniqueAddress)).ToHashSet();

    // InitialStateAsEvents: a coordinator that takes over hears at once of the members unreachable already.
    public void Watch(IActorRef coordinator) => cluster.Subscribe(coordinator,
        ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved),
        typeof(ClusterEvent.IReachabilityEvent));

    public void Unwatch(IActorRef coordinator) => cluster.Unsubscribe(coordinator);

    public (string Theirs, string Ours)? OtherProtocol(Address address)
    {
        var member = cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address));
        return member is null || member.AppVersion.Equals(cluster.SelfMember.AppVersion)
            ? null
            : (member.AppVersion.ToString(), cluster.SelfMember.AppVersion.ToString());
    }
}
