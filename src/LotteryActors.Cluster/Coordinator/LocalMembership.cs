using Akka.Actor;

namespace LotteryActors.Cluster.Coordinator;

/// <summary>
/// A one-node cluster in one process (<c>lottery search</c>): its node is its only member, never leaves while the
/// process lives, and speaks its own protocol. A node that died with the process is gone when the next process's
/// coordinator recovers, which ends its leases at once.
/// </summary>
public sealed class LocalMembership(string node) : IMembership
{
    private readonly IReadOnlySet<string> members = new HashSet<string> { node };

    public IReadOnlySet<string> Members() => members;

    public void Watch(IActorRef coordinator)
    {
        // Nobody else is a member, so nobody can be removed.
    }

    public void Unwatch(IActorRef coordinator)
    {
    }

    public (string Theirs, string Ours)? OtherProtocol(Address address) => null;
}
