using Akka.Actor;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// Who the coordinator's trainers are, as far as it needs to know: the one seam between the execution path and
/// Akka.Cluster. <c>lottery node</c> asks the cluster (<see cref="ClusterMembership"/>); <c>lottery search</c>, a
/// one-node cluster in one process, is its own only member (<see cref="LocalMembership"/>), with no remoting.
/// </summary>
public interface IMembership
{
    /// <summary>The members now, by <see cref="NodeId"/>: a registered trainer outside them is gone.</summary>
    IReadOnlySet<string> Members();

    /// <summary>Tells <paramref name="coordinator"/> of every member removed from now on, as
    /// <see cref="Akka.Cluster.ClusterEvent.MemberRemoved"/>, and of every member the cluster stops or starts
    /// hearing again, as <see cref="Akka.Cluster.ClusterEvent.UnreachableMember"/> and
    /// <see cref="Akka.Cluster.ClusterEvent.ReachableMember"/> (the members unreachable already included).</summary>
    void Watch(IActorRef coordinator);

    void Unwatch(IActorRef coordinator);

    /// <summary>The protocol versions of the member at <paramref name="address"/> and of this node where they
    /// differ; null where they are the same or the address is no member.</summary>
    (string Theirs, string Ours)? OtherProtocol(Address address);
}
