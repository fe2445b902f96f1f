using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Observability;
using LotteryActors.Actors.Protocol;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// Parent of one <see cref="TicketTrainer"/> per ticket and keeper of this node's training slots. A trainer that
/// throws is stopped; what follows depends on the kind of fault (<see cref="SearchFault.Of"/>). A diverged run is the
/// ticket's scientific fate: reported at once, to be journaled. Any other fault (a full disk, a corrupt artifact, a
/// bug) is retried: the trainer starts again after a backoff (min-backoff, doubling up to max-backoff) and resumes
/// from the ticket's last journaled run. After max-restarts retries the coordinator hears that the ticket is stalled,
/// and stops the search without journaling anything about the ticket.
/// With a stacked engine (<see cref="TrainingNode.Stacks"/>) it also owns the device's <see cref="DeviceEngine"/>,
/// through which every trainer's runs go instead of through a slot.
/// </summary>
public sealed class TicketSupervisor : ReceiveActor, IWithTimers
{
    private readonly IActorRef coordinator;
    private readonly TrainingNode node;
    private readonly ILoggingAdapter log;
    private readonly Dictionary<string, TicketId> ticketsByChild = [];
    private readonly Dictionary<TicketId, int> failures = [];
    private readonly Dictionary<TicketId, Exception> crashes = [];
    private readonly SlotQueue slots;
    private IActorRef? engine;

    public TicketSupervisor(IActorRef coordinator, TrainingNode node)
    {
        this.coordinator = coordinator;
        this.node = node;
        log = Context.SearchLogger(node.Runner.Spec.SearchId);
        slots = new SlotQueue(node.Runtime.Slots);

        Receive<StartTicket>(start => Spawn(start.Ticket));
        Receive<SlotRequested>(_ => Grant(slots.Request(Sender)));
        Receive<SlotReleased>(_ => Grant(slots.Release(Sender)));
        Receive<Terminated>(terminated => OnTrainerStopped(terminated.ActorRef));
        Receive<RestartTicket>(restart => Spawn(restart.Ticket));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, TrainingNode node) =>
        Akka.Actor.Props.Create(() => new TicketSupervisor(coordinator, node));

    // Akka's own failure log would print every retried failure with its stack; OnTrainerStopped logs one line.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(RecordAndStop, loggingEnabled: false);

    /// <summary>
    /// The decider runs on this actor's thread while it handles the child's failure, before the child's Terminated
    /// arrives, so it may record into the supervisor. A trainer names its ticket in the exception it fails with; one
    /// that fails to start is named by Akka. A failure that names no ticket is escalated: the coordinator then
    /// restarts this supervisor or halts the search, rather than leave a ticket that nobody trains.
    /// </summary>
    private Directive RecordAndStop(Exception cause)
    {
        switch (cause)
        {
            case TrainerFailedException failed:
                crashes[failed.Ticket] = failed.InnerException!;
                return Directive.Stop;
            case ActorInitializationException { Actor: { } trainer }
                when ticketsByChild.TryGetValue(trainer.Path.Name, out var ticket):
                crashes[ticket] = cause.InnerException ?? cause;
                return Directive.Stop;
            default:
                return Directive.Escalate;
        }
    }

    private void Spawn(TicketId ticket)
    {
        var name = ticket.ToString();
        if (!Context.Child(name).IsNobody())
            return;
        var trainer = Context.ActorOf(TicketTrainer.Props(ticket, coordinator, Self, engine, node), name);
        ticketsByChild[name] = ticket;
        Context.Watch(trainer);
    }

    /// <summary>Hands a freed slot on, if anyone gets it; called after every change of the slots.</summary>
    private void Grant(IActorRef? trainer)
    {
        trainer?.Tell(SlotGranted.Instance);
        NodeMetrics.Slots(slots.InUse, slots.Capacity);
    }

    protected override void PreStart()
    {
        NodeMetrics.Slots(0, slots.Capacity);
        // A stacked node trains through one engine, whose failures are bugs: they escalate, as a nameless one does.
        if (node.Stacks)
            engine = Context.ActorOf(DeviceEngine.Props(node), "engine");
    }

    protected override void PostStop() => NodeMetrics.Slots(0, slots.Capacity);

    private void OnTrainerStopped(IActorRef trainer)
    {
        Grant(slots.Release(trainer));
        var ticket = ticketsByChild[trainer.Path.Name];
        if (!crashes.Remove(ticket, out var cause))
            return;
        var attempts = failures[ticket] = failures.GetValueOrDefault(ticket) + 1;
        var fault = SearchFault.Of(cause);
        var ticketLog = log.ForTicket(node.Runner.Spec, ticket);
        ticketLog.Debug(cause, "{TicketId} failure {Attempt}", ticket.ToString(), attempts);
        if (fault.Kind == FaultKind.Scientific)
        {
            ticketLog.Warning("{TicketId} failed: {Cause}", ticket.ToString(), fault.Cause);
            coordinator.Tell(new TicketGaveUp(ticket, $"{cause.GetType().Name}: {cause.Message}", attempts));
            return;
        }
        if (attempts > node.Runtime.MaxRestarts)
        {
            coordinator.Tell(new TicketStalled(ticket, fault, attempts));
            return;
        }
        var delay = node.Runtime.Backoff(attempts);
        ticketLog.Warning("{TicketId} failed ({Cause}); retry {Attempt} of {MaxRestarts} in {BackoffSeconds:0.##} s",
            ticket.ToString(), fault.Cause, attempts, node.Runtime.MaxRestarts, delay.TotalSeconds);
        NodeMetrics.TrainerRestarted();
        Timers.StartSingleTimer(ticket, new RestartTicket(ticket), delay);
    }

    private sealed record RestartTicket(TicketId Ticket);
}

/// <summary>A trainer's failure, naming its ticket: the supervisor's decider learns which trainer failed.</summary>
public sealed class TrainerFailedException(TicketId ticket, Exception cause)
    : Exception($"{ticket}: {cause.Message}", cause)
{
    public TicketId Ticket { get; } = ticket;
}
