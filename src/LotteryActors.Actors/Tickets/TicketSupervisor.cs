using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.TicketMessages;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// Parent of one <see cref="TicketTrainer"/> per ticket and keeper of this node's training slots. A trainer that
/// throws is stopped and started again after a backoff (min-backoff, doubling up to max-backoff); a new trainer
/// resumes from the ticket's last journaled run. After max-restarts failures, or at once for a diverged run,
/// the ticket is reported to the coordinator as failed and the other tickets go on.
/// </summary>
public sealed class TicketSupervisor : ReceiveActor, IWithTimers
{
    private readonly IActorRef coordinator;
    private readonly TrainingNode node;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, TicketId> ticketsByChild = [];
    private readonly Dictionary<TicketId, int> failures = [];
    private readonly Dictionary<string, Exception> crashes = [];
    private readonly SlotQueue slots;

    public TicketSupervisor(IActorRef coordinator, TrainingNode node)
    {
        this.coordinator = coordinator;
        this.node = node;
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

    protected override SupervisorStrategy SupervisorStrategy() =>
        new ReportingStopStrategy((child, cause) => crashes[child] = cause);

    private void Spawn(TicketId ticket)
    {
        var name = ticket.ToString();
        if (!Context.Child(name).IsNobody())
            return;
        var trainer = Context.ActorOf(TicketTrainer.Props(ticket, coordinator, Self, node), name);
        ticketsByChild[name] = ticket;
        Context.Watch(trainer);
    }

    private static void Grant(IActorRef? trainer) => trainer?.Tell(SlotGranted.Instance);

    private void OnTrainerStopped(IActorRef trainer)
    {
        Grant(slots.Release(trainer));
        var name = trainer.Path.Name;
        var ticket = ticketsByChild[name];
        if (!crashes.Remove(name, out var cause))
            return;
        var attempts = failures[ticket] = failures.GetValueOrDefault(ticket) + 1;
        var reason = $"{cause.GetType().Name}: {cause.Message}";
        if (cause is DivergenceException || attempts > node.Runtime.MaxRestarts)
        {
            log.Warning("{0} failed for good after {1} attempt(s): {2}", ticket, attempts, reason);
            coordinator.Tell(new TicketGaveUp(ticket, reason, attempts));
            return;
        }
        var delay = Backoff(attempts);
        log.Warning("{0} failed ({1}); restart {2} of {3} in {4}", ticket, reason, attempts, node.Runtime.MaxRestarts, delay);
        Timers.StartSingleTimer(name, new RestartTicket(ticket), delay);
    }

    private TimeSpan Backoff(int attempt)
    {
        var doubled = node.Runtime.MinBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(doubled, node.Runtime.MaxBackoff.TotalMilliseconds));
    }

    private sealed record RestartTicket(TicketId Ticket);

    /// <summary>
    /// Stops a failed trainer and first records which child failed and why. It runs inside the supervisor's own
    /// message processing, before the child's Terminated, so recording straight into the supervisor is safe.
    /// </summary>
    private sealed class ReportingStopStrategy(Action<string, Exception> record) : OneForOneStrategy(_ => Directive.Stop)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            ChildRestartStats stats, IReadOnlyCollection<ChildRestartStats> children)
        {
            record(child.Path.Name, cause);
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }
}
