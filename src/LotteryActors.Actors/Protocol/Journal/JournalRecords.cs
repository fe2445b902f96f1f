using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Protocol.Journal;

/// <summary>
/// The one place that maps Training's types to the journal's records (<c>From</c>, where an event or snapshot is
/// made) and back (<c>ToDomain</c>, where it is folded or read). Field by field, so that a property renamed on either
/// side fails to compile here instead of changing a journal format.
/// </summary>
public static class JournalRecords
{
    public static TicketRecord From(TicketId ticket) => new(ticket.WidthIndex, ticket.Index);

    public static TicketId ToDomain(this TicketRecord ticket) => new(ticket.WidthIndex, ticket.Index);

    public static RunKindRecord From(RunKind kind) => kind switch
    {
        RunKind.Ticket => RunKindRecord.Ticket,
        RunKind.RandomReinit => RunKindRecord.RandomReinit,
        RunKind.RandomMask => RunKindRecord.RandomMask,
        RunKind.DenseBaseline => RunKindRecord.DenseBaseline,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a run kind the journal has no name for"),
    };

    public static RunKind ToDomain(this RunKindRecord kind) => kind switch
    {
        RunKindRecord.Ticket => RunKind.Ticket,
        RunKindRecord.RandomReinit => RunKind.RandomReinit,
        RunKindRecord.RandomMask => RunKind.RandomMask,
        RunKindRecord.DenseBaseline => RunKind.DenseBaseline,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a run kind Training does not know"),
    };

    public static UnitRecord From(WorkUnit unit) =>
        new(From(unit.Ticket), unit.Round, From(unit.Kind), unit.StartHash, unit.MaskHash);

    public static WorkUnit ToDomain(this UnitRecord unit) =>
        new(unit.Ticket.ToDomain(), unit.Round, unit.Kind.ToDomain(), unit.StartHash, unit.MaskHash);

    public static RunRecord From(RunResult run) => new(
        From(run.Unit),
        run.Density,
        new MetricsRecord(run.Metrics.Iterations, run.Metrics.ValidationAccuracy, run.Metrics.ValidationLoss,
            run.Metrics.TestAccuracy, run.Metrics.TestLoss, run.Metrics.EarlyStopIteration,
            run.Metrics.BestValidationAccuracy, run.Metrics.TestAccuracyAtEarlyStop, run.Metrics.TrainLoss),
        run.WeightsHash,
        run.NextMaskHash,
        run.RewindHash,
        run.Control is { } control ? new ControlRecord(control.Seed, control.InitHash, control.MaskHash) : null);

    public static RunResult ToDomain(this RunRecord run) => new(
        run.Unit.ToDomain(),
        run.Density,
        new RunMetrics(run.Metrics.Iterations, run.Metrics.ValidationAccuracy, run.Metrics.ValidationLoss,
            run.Metrics.TestAccuracy, run.Metrics.TestLoss, run.Metrics.EarlyStopIteration,
            run.Metrics.BestValidationAccuracy, run.Metrics.TestAccuracyAtEarlyStop, run.Metrics.TrainLoss),
        run.WeightsHash,
        run.NextMaskHash,
        run.RewindHash,
        run.Control is { } control ? new ControlDraw(control.Seed, control.InitHash, control.MaskHash) : null);

    /// <summary>An ensemble level's scores as the journal keeps them; nothing reads them back into Training.
    /// </summary>
    public static ScoresRecord From(EnsembleScores scores) => new(
        scores.Members, scores.MeanMemberTestAccuracy, scores.BestMemberTestAccuracy,
        scores.SelectedMemberTestAccuracy, scores.LogitAverageTestAccuracy, scores.ProbabilityAverageTestAccuracy,
        scores.MajorityVoteTestAccuracy);
}
