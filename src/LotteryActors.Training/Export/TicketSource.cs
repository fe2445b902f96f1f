using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Export;

/// <summary>
/// What the journal says about the ticket round to export: the search, its spec, the round's result and the shared
/// init of the ticket's width (to tell a round that starts from the init from one that starts from a rewind point).
/// </summary>
public sealed record TicketSource(string SearchId, SearchSpec Spec, RunResult Run, string InitHash);
