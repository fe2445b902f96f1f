namespace LotteryActors.Training.Analysis;

/// <summary>One init's dense validation accuracy, the bar its tickets and controls are judged against.</summary>
public sealed record InitReference(int Init, double ValidationAccuracy);

/// <summary>
/// What the census judges one width's runs against. <see cref="Source"/>
/// <see cref="SearchAnalyzer.ConvergedSource"/>: each init's own converged dense baseline (trained to early stopping
/// on validation), so a ticket of init 1 is never judged by init 0's net. Its validation accuracy is that of its
/// best-validation weights, picked on the same split, so the bar leans high against tickets' final weights: the
/// test is conservative; <see cref="RoundZeroAllInitsSource"/>, for a
/// search without converged baselines: every init gets the mean of all the width's round-0 nets, as the census did
/// before baselines existed.
/// <see cref="Spread"/> is the dense nets' seed-to-seed standard deviation: the validation accuracies of the
/// round-0 nets (one per ticket, the same init trained in different data orders) pooled within inits over
/// <see cref="SpreadRuns"/> nets with <see cref="SpreadDegreesOfFreedom"/> = runs - inits, so that differences
/// between inits do not count as noise. The converged baselines are not used for it: there is one per init, and with
/// two inits their deviation rests on one degree of freedom and mixes init with data order.
/// <see cref="Epsilon"/> is the spread unless one was given (<see cref="EpsilonFromSpread"/> false). With no degree of
/// freedom (one round-0 net per init) the spread is NaN, and a derived epsilon admits no winner.
/// </summary>
public sealed record DenseReference(string Source, IReadOnlyList<InitReference> Inits, double Spread, int SpreadRuns,
    int SpreadDegreesOfFreedom, double Epsilon, bool EpsilonFromSpread)
{
    public const string RoundZeroAllInitsSource = "round-0, all inits";

    /// <summary>The reference of every init; converged only when every init has its converged baseline.</summary>
    public static DenseReference Of(IReadOnlyList<CensusDense> dense, double? epsilon)
    {
        if (dense.Count == 0 || dense.All(d => d.RoundZeroValidationAccuracies.Count == 0))
            throw new ArgumentException("no dense nets to judge tickets against", nameof(dense));
        var converged = dense.All(d => d.ConvergedValidationAccuracy is not null);
        var roundZeroMean = dense.SelectMany(d => d.RoundZeroValidationAccuracies).Average();
        double Reference(CensusDense d) => converged ? d.ConvergedValidationAccuracy!.Value : roundZeroMean;
        var (spread, degrees) = Statistics.PooledStandardDeviation(
            dense.Select(d => (IReadOnlyCollection<double>)d.RoundZeroValidationAccuracies).ToList());
        return new DenseReference(converged ? SearchAnalyzer.ConvergedSource : RoundZeroAllInitsSource,
            dense.OrderBy(d => d.Init).Select(d => new InitReference(d.Init, Reference(d))).ToList(),
            spread, dense.Sum(d => d.RoundZeroValidationAccuracies.Count), degrees, epsilon ?? spread, epsilon is null);
    }

    /// <summary>Whether a run matches its own init's dense net within epsilon on validation (never for NaN).</summary>
    public bool Wins<TMask>(CensusRun<TMask> run) => Wins(run.Init, run.ValidationAccuracy);

    /// <summary>Whether a validation accuracy of a run of <paramref name="init"/> matches that init's dense net.</summary>
    public bool Wins(int init, double validationAccuracy) =>
        validationAccuracy >= Inits.Single(i => i.Init == init).ValidationAccuracy - Epsilon;
}
