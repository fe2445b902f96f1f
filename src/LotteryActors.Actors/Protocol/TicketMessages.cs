using LotteryActors.Training.Engines;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Protocol;

/// <summary>Messages between the coordinator, the ticket supervisor and its trainers. Never journaled.</summary>
public static class TicketMessages
{
    /// <summary>Coordinator to supervisor: train this ticket until it has no runs left.</summary>
    public sealed record StartTicket(TicketId Ticket);

    /// <summary>Trainer to coordinator: what should this ticket run next?</summary>
    public sealed record NextRunRequested(TicketId Ticket);

    /// <summary>Coordinator to trainer: run this unit.</summary>
    public sealed record RunAssigned(WorkUnit Unit);

    /// <summary>Coordinator to trainer: every run of the ticket is journaled; stop.</summary>
    public sealed record TicketComplete(TicketId Ticket);

    /// <summary>Trainer to coordinator: the run is done and its artifacts are stored; please journal it.</summary>
    public sealed record RunFinished(RunResult Result);

    /// <summary>Coordinator to trainer: the run is journaled (or already was); go on.</summary>
    public sealed record RunRecorded(WorkUnit Unit);

    /// <summary>Trainer to supervisor: may I start training?</summary>
    public sealed record SlotRequested(TicketId Ticket);

    /// <summary>Supervisor to trainer: a slot is yours until you release it or stop.</summary>
    public sealed record SlotGranted
    {
        public static readonly SlotGranted Instance = new();
    }

    /// <summary>Trainer to supervisor: done with the slot.</summary>
    public sealed record SlotReleased(TicketId Ticket);

    /// <summary>Trainer to the device engine (stacked engine only): train this unit with whatever it stacks with.
    /// </summary>
    public sealed record EngineRunRequested(WorkUnit Unit);

    /// <summary>Device engine to trainer: the unit is trained and its artifacts are stored, or it failed. Local to
    /// one node: the outcome may carry an exception.</summary>
    public sealed record EngineRunDone(MemberOutcome Outcome);

    /// <summary>Supervisor to coordinator: the ticket failed for a scientific reason (it diverged).</summary>
    public sealed record TicketGaveUp(TicketId Ticket, string Reason, int Attempts);

    /// <summary>
    /// Supervisor to coordinator: the ticket kept failing for a reason outside its science (an environmental fault or
    /// a bug) after every restart; the search must stop without journaling anything about the ticket.
    /// </summary>
    public sealed record TicketStalled(TicketId Ticket, SearchFault Fault, int Attempts);

    /// <summary>Trainer to anyone subscribed on the event stream (progress display): a run started or a chunk of it finished.</summary>
    public sealed record RunProgressed(WorkUnit Unit, int Iteration, int TotalIterations);
}
