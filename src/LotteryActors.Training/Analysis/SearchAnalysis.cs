using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Analysis;

/// <summary>
/// Settings of the comparison; every choice they steer is made on validation data. <paramref name="Selection"/> is
/// the weights every run is judged at (census and headline family), <paramref name="Margin"/> the equivalence
/// margin of the headline family's TOST (accuracy, 0.005 = half a point).
/// </summary>
public sealed record AnalysisOptions(
    CensusCriteria Census,
    double PoolingAlphaStep = 0.1,
    int BootstrapResamples = 1000,
    RunSelection Selection = RunSelection.EarlyStopped, double Margin = AnalysisOptions.DefaultMargin)
{
    public const double DefaultMargin = 0.005;

    public static readonly AnalysisOptions Default = new(new CensusCriteria());
}

/// <summary>Mean and sample standard deviation over tickets (seeds), with the values they summarise.</summary>
public sealed record Spread(double Mean, double StandardDeviation, IReadOnlyList<double> Values)
{
    public static Spread Of(IReadOnlyList<double> values) =>
        new(Statistics.Mean(values), Statistics.SampleStandardDeviation(values), values);
}

/// <summary>Test accuracy at one density: a kind of run (ticket, control or dense baseline) of one width, over all its inits' runs.</summary>
public sealed record CurvePoint(int WidthIndex, double Width, RunKind Kind, int Round, double Density, Spread TestAccuracy);

/// <summary>An output ensemble's test accuracy, calibration and the interval of its gain over the member chosen on validation.</summary>
public sealed record EnsembleMethodScore(string Method, double TestAccuracy, double ExpectedCalibrationError, BootstrapInterval Accuracy,
    PairedDifference GainOverSelectedMember);

/// <summary>
/// All runs of one kind at one round of one init of a width, as members and as ensembles; for the converged dense
/// baselines (<see cref="RunKind.DenseBaseline"/>) <paramref name="Init"/> is null: their ensemble is the deep
/// ensemble, one member per independent init. Costs are parameters evaluated per example (non-zero weights and every
/// bias, output layer included): one member's mean, and the whole ensemble's (every member runs).
/// </summary>
public sealed record EnsembleRow(
    int WidthIndex, double Width, int? Init, RunKind Kind, int Round, double Density, int Members,
    Spread MemberTestAccuracy, double SelectedMemberTestAccuracy, double MemberMeanCalibrationError,
    IReadOnlyList<EnsembleMethodScore> Methods, double MemberCost, double EnsembleCost)
{
    public EnsembleMethodScore Method(string name) => Methods.Single(m => m.Method == name);
}

/// <summary>Accuracy of the best k-member ensemble (greedy on validation), k = 1..K, for one round of one init's tickets.</summary>
public sealed record SizeCurve(int WidthIndex, double Width, int Init, RunKind Kind, int Round, double Density, IReadOnlyList<GreedyStep> Steps);

/// <summary>
/// How different two tickets at the same round are, and what ensembling the two of them gains over their mean.
/// <paramref name="ChanceJaccard"/> is the overlap two random masks with the same per-layer densities would have
/// (<see cref="MaskOverlap.ChanceJaccard(Pruning.Mask, Pruning.Mask)"/>): the floor a Jaccard is read against.
/// </summary>
public sealed record TicketPair(int WidthIndex, int Init, int Round, int TicketA, int TicketB, double MaskJaccard,
    double ChanceJaccard, double Disagreement, double SymmetricKl, double PairEnsembleGain);

/// <summary>
/// Mean pairwise diversity of one init's tickets at one round, with the full Jaccard matrix for heatmaps, and the
/// mean chance Jaccard of its pairs (per-layer densities) beside the mean Jaccard.
/// </summary>
public sealed record DiversityRow(int WidthIndex, double Width, int Init, int Round, double Density, double MeanJaccard,
    double MeanChanceJaccard, IReadOnlyDictionary<string, double> MeanJaccardPerLayer, double MeanDisagreement,
    double MeanSymmetricKl, double[][] Jaccard)
{
    /// <summary>d / (2 - d) at the row's overall density: what two uniformly random masks would overlap.</summary>
    public double ChanceJaccardAtDensity => MaskOverlap.ChanceJaccard(Density);
}

/// <summary>
/// One init's baselines: its tickets' round-0 nets (<paramref name="RoundZeroTestAccuracy"/>), and their ensemble,
/// which is a same-init ensemble (one init, the tickets' data orders), not a deep ensemble; then the equal-parameter
/// comparison of the init's K tickets at the round whose density is nearest 1/K against one dense net. The dense net
/// (<paramref name="DenseSource"/>) is the init's converged baseline when the search has one, else the round-0 net
/// chosen on validation; <paramref name="DenseTestAccuracy"/> is its test accuracy. Costs count parameters (non-zero
/// weights and all biases, output layer included); compute counts training epochs as <see cref="TrainingCompute"/> does.
/// </summary>
public sealed record BaselineRow(
    int WidthIndex, double Width, int Init, int Tickets,
    Spread RoundZeroTestAccuracy, double SameInitEnsembleTestAccuracy, double SameInitEnsembleCost,
    string DenseSource, double DenseTestAccuracy, double DenseCost, double DenseEpochs,
    int EqualBudgetRound, double EqualBudgetDensity, double EqualBudgetEnsembleTestAccuracy, double EqualBudgetEnsembleCost,
    double EqualBudgetEnsembleEpochs, PairedDifference EqualBudgetGainOverDense);

/// <summary>
/// One width's converged dense baselines, one per init: each trained with the recipe for at most
/// <paramref name="BudgetEpochs"/> epochs and stopped on validation; <paramref name="PeakEpoch"/> is where each one's
/// validation accuracy peaked (the weights kept), <paramref name="EpochsTrained"/> where it stopped. A peak well
/// before the budget is what "converged" means here. With two or more inits, their logit ensemble is the deep
/// ensemble (K independent inits, each trained like the baseline), with its parameters and total training epochs; the
/// equal-compute comparison sets it against the within-init ticket ensembles of the deepest round whose training
/// epochs (members x IMP epochs) do not exceed the deep ensemble's, summarised over inits.
/// </summary>
public sealed record DenseBaselineRow(
    int WidthIndex, double Width, int BudgetEpochs, Spread TestAccuracy, Spread PeakEpoch, Spread EpochsTrained,
    double Cost, int DeepEnsembleMembers, double DeepEnsembleTestAccuracy, double DeepEnsembleCost,
    double DeepEnsembleEpochs, int EqualComputeRound, double EqualComputeDensity, double EqualComputeEpochs,
    SeedSummary? EqualComputeTicketEnsembleTestAccuracy);

/// <summary>
/// The headline numbers of one round of one width at the level of independent repetitions: per init, the mean test
/// accuracy of its tickets, its within-init logit ensemble's, and that ensemble minus the init's dense net (the
/// converged baseline, or without one the mean of its round-0 nets), each summarised over inits with a t interval.
/// With one init per width the unit is the data-order seed (a ticket) for member accuracy and the ensemble has n = 1.
/// </summary>
public sealed record SeedLevelRow(int WidthIndex, double Width, int Round, double Density, string DenseSource,
    SeedSummary MemberTestAccuracy, SeedSummary EnsembleTestAccuracy, SeedSummary EnsembleGainOverDense);

/// <summary>
/// Tickets against their controls and against their init's dense net at one pruned round of one width, the
/// comparison that shows where, if anywhere, the controls fall off. Each difference is taken within its unit before
/// it is summarised: per init (its tickets' mean test accuracy minus its controls' of one kind, or minus its dense
/// net), so differences between inits cancel; with one init per width, per ticket, each control against the ticket
/// whose mask it was given. <see cref="DenseSource"/> as in <see cref="SeedLevelRow"/>.
/// </summary>
public sealed record ControlGapRow(int WidthIndex, double Width, int Round, double Density, string DenseSource,
    SeedSummary TicketTestAccuracy, SeedSummary TicketMinusDense, IReadOnlyList<ControlGap> Controls);

/// <summary>One kind of control at a <see cref="ControlGapRow"/>'s round: its test accuracy and the ticket's lead.</summary>
public sealed record ControlGap(RunKind Kind, SeedSummary TestAccuracy, SeedSummary TicketMinusControl);

/// <summary>
/// Ensembles of <paramref name="Size"/> tickets at one round, within one init against across inits (see
/// <see cref="InitEnsembles"/>): each side's test accuracies summarised over its ensembles, and across minus within.
/// </summary>
public sealed record InitMixRow(int WidthIndex, double Width, int Round, double Density, int Size,
    SeedSummary WithinInit, SeedSummary AcrossInits)
{
    public double AcrossMinusWithin => AcrossInits.Mean - WithinInit.Mean;
}

/// <summary>
/// A weight-space ensemble (Lottery Pools): one network whose inference cost is its own non-zero count. A pool
/// starts from its validation-selected member, so its gain is pooled minus <paramref name="StartMemberTestAccuracy"/>
/// (over pools: one per round across tickets, one per ticket along the IMP path); comparing with
/// <paramref name="MemberTestAccuracy"/>, the mean of every member, would count pure selection as a gain.
/// </summary>
public sealed record PoolRow(int WidthIndex, double Width, int Init, int Round, double Density, string Pool,
    Spread PooledTestAccuracy, Spread StartMemberTestAccuracy, Spread MemberTestAccuracy, double PooledCost,
    double MemberCost)
{
    public double GainOverStartMember => PooledTestAccuracy.Mean - StartMemberTestAccuracy.Mean;
}

/// <summary>
/// Everything <c>compare</c> prints and <c>report</c> draws for one search. The pair correlations pool the
/// <paramref name="CorrelationPairs"/> pairs of pruned rounds (round 0's masks are all dense, so identical) across
/// widths and densities, where both diversity and gain move with density; the within-level ones are the mean of the
/// correlations inside each (width, round), NaN levels left out, which that confound cannot reach.
/// <paramref name="Census"/> holds one count per width and pruned round (see <see cref="TicketCensus"/>);
/// <paramref name="Headlines"/> the stated family of headline comparisons, Holm-adjusted (see <see cref="HeadlineFamily"/>).
/// </summary>
public sealed record SearchAnalysis(
    string SearchId,
    string Name,
    AnalysisOptions Options,
    IReadOnlyList<CurvePoint> Curves,
    IReadOnlyList<EnsembleRow> Ensembles,
    IReadOnlyList<SizeCurve> SizeCurves,
    IReadOnlyList<DiversityRow> Diversity,
    IReadOnlyList<TicketPair> Pairs,
    double DisagreementGainCorrelation,
    double JaccardGainCorrelation,
    int CorrelationPairs,
    double DisagreementGainCorrelationWithinLevels,
    double JaccardGainCorrelationWithinLevels,
    IReadOnlyList<BaselineRow> Baselines,
    IReadOnlyList<DenseBaselineRow> DenseBaselines,
    IReadOnlyList<SeedLevelRow> SeedLevel,
    IReadOnlyList<ControlGapRow> ControlGaps,
    IReadOnlyList<InitMixRow> InitMix,
    IReadOnlyList<PoolRow> Pools,
    IReadOnlyList<CensusCount> Census,
    IReadOnlyList<HeadlineRow> Headlines);
