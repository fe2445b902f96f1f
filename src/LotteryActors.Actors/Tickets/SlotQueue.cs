using Akka.Actor;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// A node's training slots: at most <c>capacity</c> holders at once, the rest wait in arrival order.
/// Plain state, no actor: the supervisor owns it and sends the grants.
/// </summary>
public sealed class SlotQueue(int capacity)
{
    private readonly HashSet<IActorRef> holders = [];
    private readonly LinkedList<IActorRef> waiting = [];

    public int Capacity { get; } = capacity >= 1
        ? capacity
        : throw new ArgumentOutOfRangeException(
            nameof(capacity), capacity, "with no training slot no ticket would ever train");

    public int InUse => holders.Count;

    public int Waiting => waiting.Count;

    /// <summary>Returns the requester if it got a slot now, else queues it and returns null.</summary>
    public IActorRef? Request(IActorRef requester)
    {
        if (holders.Contains(requester) || waiting.Contains(requester))
            return null;
        if (holders.Count < Capacity)
        {
            holders.Add(requester);
            return requester;
        }
        waiting.AddLast(requester);
        return null;
    }

    /// <summary>Frees the holder's slot (or drops it from the queue) and returns whoever gets the slot now, if anyone.</summary>
    public IActorRef? Release(IActorRef holder)
    {
        waiting.Remove(holder);
        if (!holders.Remove(holder) || waiting.First is not { } next)
            return null;
        waiting.RemoveFirst();
        holders.Add(next.Value);
        return next.Value;
    }
}
