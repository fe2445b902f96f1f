using LotteryActors.Training.Imp;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using static TorchSharp.torch;

namespace LotteryActors.Training.Stability;

/// <summary>
/// What to retrain: <paramref name="DataOrders"/> copies per ticket and round, each in its own fresh data order
/// (<see cref="DataOrderSeeds.Retrain"/>) unless <paramref name="Seeds"/> names the orders (one per copy, the same
/// for every ticket and round: a ticket's own seed reproduces its journaled runs, one seed twice gives two identical
/// copies), and the line between two copies measured at <paramref name="Points"/> evenly spaced points.
/// </summary>
public sealed record StabilityOptions(int DataOrders = 2, int Points = 11, IReadOnlyList<long>? Seeds = null,
    int ChunkIterations = 1000)
{
    public int Copies => Seeds?.Count ?? DataOrders;
}

/// <summary>Mean, sample standard deviation (NaN for one value), least and greatest of a group's barriers.</summary>
public sealed record BarrierSummary(double Mean, double StandardDeviation, double Min, double Max)
{
    public static BarrierSummary Of(IReadOnlyCollection<double> values) => new(values.Average(),
        Analysis.Statistics.SampleStandardDeviation(values), values.Min(), values.Max());
}

/// <summary>
/// One kind of pair at one round: how many lines, their barriers on validation and on test, and the mean error of
/// the copies at their ends (what the copies reach trained alone).
/// </summary>
public sealed record PairGroup(int Pairs, BarrierSummary Validation, BarrierSummary Test,
    double EndpointValidationError, double EndpointTestError)
{
    public static PairGroup? Of(IReadOnlyList<PairCurve> pairs) => pairs.Count == 0
        ? null
        : new PairGroup(pairs.Count,
            BarrierSummary.Of(pairs.Select(p => p.Validation.Barrier).ToList()),
            BarrierSummary.Of(pairs.Select(p => p.Test.Barrier).ToList()),
            pairs.SelectMany(p => new[] { p.Validation.Errors[0], p.Validation.Errors[^1] }).Average(),
            pairs.SelectMany(p => new[] { p.Test.Errors[0], p.Test.Errors[^1] }).Average());
}

/// <summary>
/// One measured line: <see cref="Kind"/> <see cref="InstabilityAnalysis.SameTicket"/> (one mask, two data orders),
/// <see cref="InstabilityAnalysis.Dense"/> (the dense mask from the same start, two data orders) or
/// <see cref="InstabilityAnalysis.BetweenTickets"/> (two tickets of one init, two data orders), its ends named by
/// ticket and data-order seed.
/// </summary>
public sealed record PairCurve(string Kind, string First, long FirstSeed, string Second, long SecondSeed,
    BarrierCurve Validation, BarrierCurve Test);

/// <summary>
/// One retrained copy's own scores: <see cref="Mask"/> <see cref="InstabilityAnalysis.TicketMask"/> (the ticket's
/// mask) or <see cref="InstabilityAnalysis.Dense"/> (the dense reference from the ticket's start), its data order,
/// its final weights' accuracies and, as the census judges runs, those at its best validation evaluation.
/// </summary>
public sealed record RetrainedCopy(string Ticket, string Mask, long Seed, double ValidationAccuracy,
    double TestAccuracy, double BestValidationAccuracy, double TestAccuracyAtEarlyStop, int EarlyStopIteration);

/// <summary>
/// One width at one round: the tickets' density, the iteration their copies start at (the rewind point; 0 in round
/// 0), the three groups of pairs (null where there is no pair: between tickets needs two tickets of one init),
/// every line measured and every copy trained for them, each once, ticket by ticket.
/// </summary>
public sealed record StabilityRow(int WidthIndex, double Width, int Round, double Density, int StartIteration,
    IReadOnlyList<string> Tickets, PairGroup? SameTicket, PairGroup? Dense, PairGroup? BetweenTickets,
    IReadOnlyList<PairCurve> Pairs, IReadOnlyList<RetrainedCopy> Copies);

/// <summary>
/// Instability analysis (Frankle et al. 2020) of a search's tickets: each chosen ticket's mask at a round is trained
/// again from the weights that round started from (its journaled start: the shared init in round 0 and without late
/// rewinding, else the ticket's rewind point, at the same iteration), with the recipe of the search, in several fresh
/// data orders, and the error along the line between two copies is measured. A barrier near 0 means the copies land
/// in one linearly connected basin: the mask's outcome is stable to SGD noise. The dense reference trains the dense
/// mask from the same start in the same orders, so it differs from the ticket only in the mask; between tickets,
/// two tickets of one init (each with its own mask and, with late rewinding, its own rewind point) are joined, copies
/// of different orders only, so that a between-ticket line differs from a same-ticket line by the mask alone.
/// Trained copies are kept in memory for the analysis (so the dense reference, shared by every round that starts from
/// the same point, trains once) and freed with it; nothing is written to the artifact store.
/// </summary>
public sealed class InstabilityAnalysis(ImpRunner runner, StabilityOptions options, Action<string>? progress = null)
    : IDisposable
{
    public const string SameTicket = "same-ticket";
    public const string Dense = "dense";
    public const string BetweenTickets = "between-tickets";
    /// <summary>A <see cref="RetrainedCopy"/> of the ticket's own mask (the dense ones are <see cref="Dense"/>).</summary>
    public const string TicketMask = "ticket";

    private readonly Dictionary<(string Start, int Iteration, string Mask, long Seed), RoundOutcome> trained = [];

    /// <summary>The seed copy <paramref name="copy"/> of a ticket's round trains with.</summary>
    public long Seed(TicketId ticket, int round, int copy) =>
        options.Seeds?[copy] ?? DataOrderSeeds.Retrain(runner.Spec, ticket, round, copy);

    /// <summary>The ticket's own journaled run at <paramref name="round"/> (not a control on its mask), or null.</summary>
    public static RunResult? JournaledRun(IEnumerable<RunResult> runs, TicketId ticket, int round) =>
        runs.SingleOrDefault(r => r.Unit.Ticket == ticket && r.Unit.Kind == RunKind.Ticket && r.Unit.Round == round);

    /// <summary>
    /// Rows per width and round for <paramref name="tickets"/> at <paramref name="rounds"/>, from the search's
    /// journaled <paramref name="runs"/>, which must hold each ticket's own run at round 0 and at every round asked.
    /// </summary>
    public IReadOnlyList<StabilityRow> Analyze(IReadOnlyList<RunResult> runs, IReadOnlyList<TicketId> tickets,
        IReadOnlyList<int> rounds)
    {
        if (options.Copies < 2)
            throw new ArgumentOutOfRangeException(nameof(options), options.Copies, "a line needs two copies");
        RunResult Journaled(TicketId ticket, int round) => JournaledRun(runs, ticket, round)
            ?? throw new InvalidOperationException($"{ticket} has no journaled round {round}");
        var alphas = ErrorBarrier.Points(options.Points);
        return (from widthIndex in tickets.Select(t => t.WidthIndex).Distinct().Order()
                from round in rounds.Distinct().Order()
                select Row(widthIndex, round, tickets.Where(t => t.WidthIndex == widthIndex).Order(TicketOrder)
                    .Select(t => (t, Journaled(t, round), Journaled(t, 0).Unit.MaskHash)).ToList(), alphas))
            .ToList();
    }

    private static readonly Comparer<TicketId> TicketOrder = Comparer<TicketId>.Create((a, b) =>
        a.WidthIndex != b.WidthIndex ? a.WidthIndex.CompareTo(b.WidthIndex) : a.Index.CompareTo(b.Index));

    private StabilityRow Row(int widthIndex, int round,
        IReadOnlyList<(TicketId Ticket, RunResult Run, string DenseMask)> tickets, IReadOnlyList<double> alphas)
    {
        var spec = runner.Spec;
        var width = spec.Model.Widths[widthIndex];
        var start = runner.StartIteration(round);
        var copies = Enumerable.Range(0, options.Copies).ToList();
        var masks = new Dictionary<string, Mask>();
        Mask MaskOf(string hash) => masks.TryGetValue(hash, out var m) ? m : masks[hash] = runner.GetMask(hash);
        var copiesTrained = new List<RetrainedCopy>();
        var position = tickets.Select((t, i) => (Name: t.Ticket.ToString(), i)).ToDictionary(t => t.Name, t => t.i);
        RoundOutcome Copy(TicketId ticket, RunResult run, string maskHash, int copy)
        {
            var seed = Seed(ticket, round, copy);
            var outcome = Train(width, run.Unit.StartHash, start, maskHash, seed, $"{ticket} round {round}");
            var kind = maskHash == run.Unit.MaskHash ? TicketMask : Dense;
            if (!copiesTrained.Any(c => c.Ticket == ticket.ToString() && c.Mask == kind && c.Seed == seed))
                copiesTrained.Add(new RetrainedCopy(ticket.ToString(), kind, seed, outcome.FinalValidationAccuracy,
                    outcome.FinalTestAccuracy, outcome.BestValidationAccuracy, outcome.TestAccuracyAtEarlyStop,
                    outcome.EarlyStopIteration));
            return outcome;
        }
        PathEnd End(TicketId ticket, RunResult run, string maskHash, int copy) =>
            new(Copy(ticket, run, maskHash, copy).TrainedWeights, MaskOf(maskHash));

        using var network = runner.CreateNetwork(width);
        var pairs = new List<PairCurve>();
        void Measure(string kind, (TicketId Ticket, RunResult Run, string Mask, int Copy) a,
            (TicketId Ticket, RunResult Run, string Mask, int Copy) b)
        {
            var (validation, test) = LinearPath.Measure(network, runner.Data, End(a.Ticket, a.Run, a.Mask, a.Copy),
                End(b.Ticket, b.Run, b.Mask, b.Copy), alphas);
            pairs.Add(new PairCurve(kind, a.Ticket.ToString(), Seed(a.Ticket, round, a.Copy), b.Ticket.ToString(),
                Seed(b.Ticket, round, b.Copy), validation, test));
        }
        try
        {
            foreach (var (ticket, run, dense) in tickets)
            foreach (var i in copies)
            foreach (var j in copies.Where(j => j > i))
            {
                Measure(SameTicket, (ticket, run, run.Unit.MaskHash, i), (ticket, run, run.Unit.MaskHash, j));
                Measure(Dense, (ticket, run, dense, i), (ticket, run, dense, j));
            }
            foreach (var (a, b) in from a in tickets
                     from b in tickets
                     where TicketOrder.Compare(a.Ticket, b.Ticket) < 0 && spec.InitOf(a.Ticket) == spec.InitOf(b.Ticket)
                     select (a, b))
            foreach (var i in copies)
            foreach (var j in copies.Where(j => j != i))
                Measure(BetweenTickets, (a.Ticket, a.Run, a.Run.Unit.MaskHash, i),
                    (b.Ticket, b.Run, b.Run.Unit.MaskHash, j));
        }
        finally
        {
            foreach (var mask in masks.Values)
                mask.Dispose();
        }
        PairGroup? Group(string kind) => PairGroup.Of(pairs.Where(p => p.Kind == kind).ToList());
        return new StabilityRow(widthIndex, width, round, tickets.Average(t => t.Run.Density), start,
            tickets.Select(t => t.Ticket.ToString()).ToList(), Group(SameTicket), Group(Dense), Group(BetweenTickets),
            pairs, copiesTrained.OrderBy(c => position[c.Ticket]).ThenByDescending(c => c.Mask)
                .ThenBy(c => c.Seed).ToList());
    }

    /// <summary>One copy trained with the search's recipe, or the copy already trained from the same inputs.</summary>
    private RoundOutcome Train(double width, string startHash, int startIteration, string maskHash, long seed,
        string what)
    {
        var key = (startHash, startIteration, maskHash, seed);
        if (trained.TryGetValue(key, out var outcome))
            return outcome;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var network = runner.CreateNetwork(width);
        using var mask = runner.GetMask(maskHash);
        var start = runner.Store.Get(startHash);
        try
        {
            using var session = new TrainingSession(network, runner.Data, runner.Spec.Training, mask, start, seed,
                startIteration);
            while (!session.IsComplete)
                session.RunChunk(options.ChunkIterations);
            // The outcome's weights now belong to the cache, freed in Dispose.
            trained[key] = outcome = session.Complete();
        }
        finally
        {
            start.DisposeAll();
        }
        progress?.Invoke($"{what}: trained density {mask.Density:F3} in data order {seed} from iteration " +
                         $"{startIteration} in {clock.Elapsed.TotalSeconds:F1}s");
        return outcome;
    }

    public void Dispose()
    {
        foreach (var outcome in trained.Values)
            outcome.Dispose();
        trained.Clear();
    }
}
