using System.Text.Json.Serialization;

namespace LotteryActors.Actors.Protocol.Journal;

// The journal's own records of training runs, ensemble plans and ensemble scores. Training has types of the same
// shape (TicketId, WorkUnit, RunResult, ...), which it is free to change; these are the persisted formats, written by
// both journals (RoundCompleted, SearchSnapshot, EnsembleEvaluated and the cluster's units and outputs), so a change
// here is a change of those manifests. JournalRecords maps them to and from Training's types.

/// <summary>A ticket as the journal names it: <c>Index</c> of width <c>WidthIndex</c>.</summary>
public readonly record struct TicketRecord(int WidthIndex, int Index)
{
    /// <summary>The ticket as work ids spell it ("w0-t1"): part of every journaled run's id, so pinned here.
    /// </summary>
    public override string ToString() => $"w{WidthIndex}-t{Index}";
}

/// <summary>
/// What a run is for. Written by name, and each name is pinned by its attribute, so renaming a member (or the
/// naming policy of <c>SpecNames.Json</c>) cannot change a journal; the numbers are never written.
/// </summary>
public enum RunKindRecord
{
    [JsonStringEnumMemberName("ticket")] Ticket,
    [JsonStringEnumMemberName("random-reinit")] RandomReinit,
    [JsonStringEnumMemberName("random-mask")] RandomMask,
    [JsonStringEnumMemberName("dense-baseline")] DenseBaseline,
}

/// <summary>One training run of a ticket, by the hashes of what it starts from and trains under.</summary>
public sealed record UnitRecord(TicketRecord Ticket, int Round, RunKindRecord Kind, string StartHash, string MaskHash);

/// <summary>The numbers a run measured.</summary>
public sealed record MetricsRecord(
    int Iterations,
    double ValidationAccuracy,
    double ValidationLoss,
    double TestAccuracy,
    double TestLoss,
    int EarlyStopIteration,
    double BestValidationAccuracy,
    double TestAccuracyAtEarlyStop,
    double TrainLoss);

/// <summary>What a control run drew from its own seed: a re-init's start weights or a random mask.</summary>
public sealed record ControlRecord(long Seed, string? InitHash, string? MaskHash);

/// <summary>
/// A finished run: its unit, density, metrics and artifact hashes. <see cref="Control"/> is null for ticket rounds
/// and in RoundCompleted.v1 (and snapshots before v2), whose controls did not store what they drew.
/// </summary>
public sealed record RunRecord(
    UnitRecord Unit,
    double Density,
    MetricsRecord Metrics,
    string WeightsHash,
    string? NextMaskHash,
    string? RewindHash,
    ControlRecord? Control = null);

/// <summary>Test accuracies of an ensemble level's members and of their output ensembles.</summary>
public sealed record ScoresRecord(
    int Members,
    double MeanMemberTestAccuracy,
    double BestMemberTestAccuracy,
    double SelectedMemberTestAccuracy,
    double LogitAverageTestAccuracy,
    double ProbabilityAverageTestAccuracy,
    double MajorityVoteTestAccuracy);

/// <summary>
/// One ensemble level to evaluate: the weights of every finished ticket's run of one width at one pruning round, in
/// ticket order, and the numbers the level reports beside its scores. Hashes and numbers only, so that a cluster
/// coordinator (which holds no dataset) can plan it and a trainer node on another machine can evaluate it. Planned by
/// <c>EnsembleEvaluation.Plan</c> and journaled as it is, in an ensemble unit's <c>WorkItem</c>.
/// </summary>
public sealed record EnsembleMembers(
    int WidthIndex, double Width, int Round, double Density, double DenseTestAccuracy,
    IReadOnlyList<string> WeightsHashes);
