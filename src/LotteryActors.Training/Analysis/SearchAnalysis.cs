using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Analysis;

/// <summary>Settings of the comparison; every choice they steer is made on validation data.</summary>
public sealed record AnalysisOptions(CensusCriteria Census, double PoolingAlphaStep = 0.1, int BootstrapResamples = 1000)
{
    public static readonly AnalysisOptions Default = new(new CensusCriteria());
}

/// <summary>Mean and sample standard deviation over tickets (seeds), with the values they summarise.</summary>
public sealed record Spread(double Mean, double StandardDeviation, IReadOnlyList<double> Values)
{
    public static Spread Of(IReadOnlyList<double> values) =>
        new(Statistics.Mean(values), Statistics.SampleStandardDeviation(values), values);
}

/// <summary>Test accuracy at one density: a kind of run (ticket or control) of one width, over its tickets.</summary>
public sealed record CurvePoint(int WidthIndex, double Width, RunKind Kind, int Round, double Density, Spread TestAccuracy);

/// <summary>An output ensemble's test accuracy, calibration and the interval of its gain over the member chosen on validation.</summary>
public sealed record EnsembleMethodScore(string Method, double TestAccuracy, double ExpectedCalibrationError, BootstrapInterval Accuracy,
    PairedDifference GainOverSelectedMember);

/// <summary>
/// All runs of one kind at one round of one width, as members and as ensembles. Costs are non-zero prunable weights
/// evaluated per example: one member's mean, and the whole ensemble's (every member runs).
/// </summary>
public sealed record EnsembleRow(
    int WidthIndex, double Width, RunKind Kind, int Round, double Density, int Members,
    Spread MemberTestAccuracy, double SelectedMemberTestAccuracy, double MemberMeanCalibrationError,
    IReadOnlyList<EnsembleMethodScore> Methods, double MemberCost, double EnsembleCost)
{
    public EnsembleMethodScore Method(string name) => Methods.Single(m => m.Method == name);
}

/// <summary>Accuracy of the best k-member ensemble (greedy on validation), k = 1..K, for one kind and round of a width.</summary>
public sealed record SizeCurve(int WidthIndex, double Width, RunKind Kind, int Round, double Density, IReadOnlyList<GreedyStep> Steps);

/// <summary>
/// How different two tickets at the same round are, and what ensembling the two of them gains over their mean.
/// <paramref name="ChanceJaccard"/> is the overlap two random masks with the same per-layer densities would have
/// (<see cref="MaskOverlap.ChanceJaccard(Pruning.Mask, Pruning.Mask)"/>): the floor a Jaccard is read against.
/// </summary>
public sealed record TicketPair(int WidthIndex, int Round, int TicketA, int TicketB, double MaskJaccard,
    double ChanceJaccard, double Disagreement, double SymmetricKl, double PairEnsembleGain);

/// <summary>
/// Mean pairwise diversity of one width's tickets at one round, with the full Jaccard matrix for heatmaps, and the
/// mean chance Jaccard of its pairs beside the mean Jaccard.
/// </summary>
public sealed record DiversityRow(int WidthIndex, double Width, int Round, double Density, double MeanJaccard,
    double MeanChanceJaccard, IReadOnlyDictionary<string, double> MeanJaccardPerLayer, double MeanDisagreement,
    double MeanSymmetricKl, double[][] Jaccard);

/// <summary>
/// One width's baselines: the dense net; the dense ensemble (all tickets' round-0 nets: same init, same data orders);
/// and the equal-budget comparison of K tickets at density near 1/K against one dense net of the same non-zero count,
/// the round-0 net chosen on validation (<paramref name="SelectedDenseTestAccuracy"/> is its test accuracy).
/// </summary>
public sealed record BaselineRow(
    int WidthIndex, double Width, int Tickets,
    Spread DenseTestAccuracy, double SelectedDenseTestAccuracy, double DenseCost,
    double DenseEnsembleTestAccuracy, double DenseEnsembleCost,
    int EqualBudgetRound, double EqualBudgetDensity, double EqualBudgetEnsembleTestAccuracy, double EqualBudgetEnsembleCost,
    PairedDifference EqualBudgetGainOverDense);

/// <summary>
/// A weight-space ensemble (Lottery Pools): one network whose inference cost is its own non-zero count. A pool
/// starts from its validation-selected member, so its gain is pooled minus <paramref name="StartMemberTestAccuracy"/>
/// (over pools: one per round across tickets, one per ticket along the IMP path); comparing with
/// <paramref name="MemberTestAccuracy"/>, the mean of every member, would count pure selection as a gain.
/// </summary>
public sealed record PoolRow(int WidthIndex, double Width, int Round, double Density, string Pool,
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
    IReadOnlyList<PoolRow> Pools,
    IReadOnlyList<CensusCount> Census);
