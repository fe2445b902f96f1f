using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Support;

/// <summary>
/// Hand-made events of a small search (1 ticket, 2 rounds, controls on), for folds and serialisation. A control
/// names what it drew: a re-init its init 'x', a random mask its mask 'y'.
/// </summary>
public static class SampleEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public static readonly SearchSpec Spec = SyntheticSpec.Search();
    public static readonly TicketId Ticket = new(0, 0);

    public static SearchStarted Started() => new(Spec.SearchId, CanonicalSpec.ToJson(Spec), T0);

    public static InitDrawn Init() => new(0, Hash('i'), Hash('m'), T0.AddSeconds(1));

    public static RoundCompleted Round(int round, RunKind kind = RunKind.Ticket, double density = 1.0) => new(
        JournalRecords.From(new RunResult(
            new WorkUnit(Ticket, round, kind, Hash('i'), round == 0 ? Hash('m') : Hash((char)('a' + round))),
            density,
            new RunMetrics(100, 0.9, 0.3, 0.89, 0.31, 60, 0.91, 0.895, 0.25),
            Hash((char)('p' + round + (int)kind)),
            kind == RunKind.Ticket ? Hash((char)('b' + round)) : null,
            null,
            kind switch
            {
                RunKind.RandomReinit => new ControlDraw(4242, Hash('x'), null),
                RunKind.RandomMask => new ControlDraw(4243, null, Hash('y')),
                _ => null,
            })),
        T0.AddMinutes(round + (int)kind / 10.0));

    public static EnsembleEvaluated Ensemble() => new(
        new EnsembleReport([new EnsembleLevel(0, 0.25, 1, 0.8, new ScoresRecord(2, 0.8, 0.81, 0.805, 0.83, 0.829, 0.82), 0.85)]),
        T0.AddHours(1));

    /// <summary>Every event type once, in a valid order.</summary>
    public static IReadOnlyList<ISearchEvent> All() =>
    [
        Started(), Init(), Round(0), Round(1, density: 0.8), Round(1, RunKind.RandomReinit, 0.8),
        new TicketFailed(new TicketRecord(0, 1), "CorruptArtifactException: missing", 3, T0.AddMinutes(30)),
        new TicketRetried(new TicketRecord(0, 1), T0.AddMinutes(35)),
        new TicketFinished(JournalRecords.From(Ticket), T0.AddMinutes(40)), Ensemble(),
        new SearchCompleted(T0.AddHours(2)),
    ];

    private static string Hash(char c) => new(c, 64);
}
