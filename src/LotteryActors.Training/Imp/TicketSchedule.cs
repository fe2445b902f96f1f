using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Imp;

/// <summary>A run of a ticket identified without its inputs: which round, and which kind of run.</summary>
public readonly record struct RunSlot(int Round, RunKind Kind);

/// <summary>
/// The order in which one ticket's runs happen: round 0, then for every later round the ticket's own run followed
/// by the enabled controls at that round's mask, and last, for the first ticket of each init when the spec asks for
/// one, the converged dense baseline. Each run depends only on runs before it in this order.
/// </summary>
public static class TicketSchedule
{
    public static IReadOnlyList<RunSlot> For(SearchSpec spec, TicketId ticket)
    {
        var slots = new List<RunSlot> { new(0, RunKind.Ticket) };
        for (var round = 1; round <= spec.Pruning.Rounds; round++)
        {
            slots.Add(new RunSlot(round, RunKind.Ticket));
            if (spec.Controls.RandomReinit)
                slots.Add(new RunSlot(round, RunKind.RandomReinit));
            if (spec.Controls.RandomMask)
                slots.Add(new RunSlot(round, RunKind.RandomMask));
        }
        if (spec.TrainsDenseBaseline(ticket))
            slots.Add(new RunSlot(0, RunKind.DenseBaseline));
        return slots;
    }

    /// <summary>
    /// The ticket's next run given the runs already done, or null once all are. Inputs come from earlier results:
    /// round r's mask is what round r-1 pruned to, and later rounds start from the rewind point when there is one.
    /// </summary>
    public static WorkUnit? NextUnit(SearchSpec spec, TicketId ticket, string initHash, string denseMaskHash, IReadOnlyCollection<RunResult> done)
    {
        var finished = done.Select(r => new RunSlot(r.Unit.Round, r.Unit.Kind)).ToHashSet();
        var slot = For(spec, ticket).Cast<RunSlot?>().FirstOrDefault(s => !finished.Contains(s!.Value));
        if (slot is not { } next)
            return null;
        if (next.Round == 0)
            return new WorkUnit(ticket, 0, next.Kind, initHash, denseMaskHash);
        var previous = done.Single(r => r.Unit.Kind == RunKind.Ticket && r.Unit.Round == next.Round - 1);
        var roundZero = done.Single(r => r.Unit.Kind == RunKind.Ticket && r.Unit.Round == 0);
        var start = next.Kind == RunKind.RandomReinit ? initHash : roundZero.RewindHash ?? initHash;
        return new WorkUnit(ticket, next.Round, next.Kind, start,
            previous.NextMaskHash ?? throw new InvalidOperationException($"{previous.Unit} recorded no next mask"));
    }
}
