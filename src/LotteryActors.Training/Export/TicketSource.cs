using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Export;

/// <summary>
/// What the journal says about the ticket round to export: the search, its spec, the round's result and the shared
/// init of the ticket's width (to tell a round that starts from the init from one that starts from a rewind point),
/// and how the dataset the search was trained on normalises (read from the files, checked against the journal).
/// </summary>
public sealed record TicketSource(
    string SearchId, SearchSpec Spec, RunResult Run, string InitHash, PixelNormalisation Normalisation);
