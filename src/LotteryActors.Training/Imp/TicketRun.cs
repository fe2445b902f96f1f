using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Imp;

/// <summary>What <see cref="ImpRunner.RunTicket"/> made: the shared init, its dense mask, and every run in order.
/// </summary>
public sealed record TicketRun(TicketId Ticket, string InitHash, string DenseMaskHash, IReadOnlyList<RunResult> Runs);
