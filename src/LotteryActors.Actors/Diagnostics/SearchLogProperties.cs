using Akka.Actor;
using Akka.Event;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Diagnostics;

/// <summary>
/// The properties every log event of a search carries, so Seq can filter on them (<c>SearchId = '...'</c>) instead
/// of matching text. Serilog's LogContext is AsyncLocal and does not reach actors (their messages run on other
/// threads), so each actor's logging adapter carries them itself: Akka's <c>WithContext</c> attaches them to every
/// event the adapter writes, and Akka.Logger.Serilog turns them into Serilog properties. <c>Node</c> is added
/// process-wide where Serilog is set up.
/// </summary>
public static class SearchLogProperties
{
    public const string SearchId = nameof(SearchId);
    public const string TicketId = nameof(TicketId);
    public const string Width = nameof(Width);
    public const string Round = nameof(Round);
    public const string RunKind = nameof(RunKind);
    public const string WorkUnit = nameof(WorkUnit);

    public static ILoggingAdapter SearchLogger(this IActorContext context, string searchId) =>
        context.GetLogger().WithContext(SearchId, searchId);

    public static ILoggingAdapter ForTicket(this ILoggingAdapter log, SearchSpec spec, TicketId ticket) =>
        log.WithContext(TicketId, ticket.ToString()).WithContext(Width, spec.Width(ticket));

    /// <summary>One run of a ticket: chain after <see cref="ForTicket"/>.</summary>
    public static ILoggingAdapter ForUnit(this ILoggingAdapter log, WorkUnit unit) =>
        log.WithContext(Round, unit.Round)
            .WithContext(RunKind, SpecNames.Of(unit.Kind))
            .WithContext(WorkUnit, unit.ToString());
}
