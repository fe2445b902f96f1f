using System.CommandLine;
using System.Globalization;
using LotteryActors.Actors.Hosting;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Report;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Stability;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>stability &lt;id&gt;</c>: the instability analysis of a search's tickets (<see cref="InstabilityAnalysis"/>):
/// chosen tickets' masks retrained from their journaled start in fresh data orders, and the error barrier along the
/// line between copies, beside the dense reference and between tickets of one init, per width and round.
/// </summary>
public static class StabilityCommand
{
    /// <summary>The --json document's format; raised when a field changes meaning or goes away.</summary>
    public const string Format = "stability.v1";

    public static Command Create()
    {
        var id = new Argument<string>("search-id") { Description = "A search id (status lists them)" };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var tickets = new Option<string?>("--tickets")
        {
            Description = "Comma-separated ticket ids such as w0-t0,w0-t1 (default: the first two tickets of width " +
                          "0's first init, so the between-ticket line exists)",
        };
        var rounds = new Option<string?>("--rounds")
        {
            Description = "Comma-separated pruning rounds, 0 being dense (default: every round of the search)",
        };
        var orders = new Option<int>("--data-orders")
        {
            Description = "Fresh data orders (copies) per ticket and round; every pair of copies is one line",
            DefaultValueFactory = _ => 2,
        };
        var seeds = new Option<string?>("--data-order-seeds")
        {
            Description = "Comma-separated data-order seeds, one per copy, instead of fresh orders (a ticket's own " +
                          "seed reproduces its journaled runs; one seed twice gives identical copies, barrier 0)",
        };
        var points = new Option<int>("--points")
        {
            Description = "Evenly spaced points on each line, both ends included", DefaultValueFactory = _ => 11,
        };
        var command = new Command("stability",
            "Instability analysis: error barriers between retrained copies of tickets, with a dense reference")
        {
            id, config, json, tickets, rounds, orders, seeds, points,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var options = Options(parse.GetValue(orders), parse.GetValue(seeds), parse.GetValue(points));
            var searchId = parse.GetValue(id)!;
            var reader = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides);
            var reading = reader.ReadStartedAsync(searchId);
            try
            {
                await reading;
            }
            finally
            {
                // Closed before training starts: the analysis needs nothing more from the journal.
                await reader.DisposeAsync();
            }
            var state = await reading;
            var spec = state.Spec!;
            var chosen = Tickets(spec, parse.GetValue(tickets));
            var runs = state.Tickets.Values.SelectMany(t => t.Runs).ToList();
            var chosenRounds = Rounds(spec, parse.GetValue(rounds));
            foreach (var ticket in chosen)
            foreach (var round in chosenRounds.Append(0))
                if (InstabilityAnalysis.JournaledRun(runs, ticket, round) is null)
                    throw new SpecException("--rounds", $"asks for round {round} of {ticket}, which search " +
                        $"{searchId} has not journaled yet (`status` shows its progress)");
            // Training, not evaluation: the runtime's thread count, so a copy in a ticket's own data order
            // reproduces its journaled run bit for bit on the CPU.
            using var node = new NodeBuilder(setup.Runtime);
            var runner = node.Runner(state);
            setup.Log.Information("stability {SearchId}: tickets {Tickets}, rounds {Rounds}, {Copies} data orders, " +
                                  "{Points} points", searchId, string.Join(",", chosen), string.Join(",", chosenRounds),
                options.Copies, options.Points);
            using var analysis = new InstabilityAnalysis(runner, options with
            {
                ChunkIterations = setup.Runtime.ChunkIterations,
            }, line => setup.Log.Information("{Line}", line));
            var rows = analysis.Analyze(runs, chosen, chosenRounds);
            var retention = Retention(spec, runs, rows);
            if (parse.GetValue(json))
                JsonOutput.Write(new
                {
                    format = Format, searchId, spec.Name, dataOrderDraw = SpecNames.Of(spec.DataOrder ?? default),
                    dataOrders = options.Copies, seedsGiven = options.Seeds is not null, points = options.Points,
                    rewindIteration = runner.RewindIteration, rows, retention,
                });
            else
            {
                Print(rows);
                Print(retention);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Ticket identity per row, judged by the census's bar (each init's converged dense net at its early stop, the
    /// census's epsilon), where the width has dense nets to judge by.
    /// </summary>
    private static IReadOnlyList<TicketRetention> Retention(SearchSpec spec, IReadOnlyList<RunResult> runs,
        IReadOnlyList<StabilityRow> rows) =>
        rows.Select(row => (row, dense: SearchAnalyzer.CensusDense(spec, runs, row.WidthIndex,
                RunSelection.EarlyStopped)))
            .Where(r => r.dense.Count > 0)
            .Select(r => TicketRetention.Of(r.row, spec, runs, DenseReference.Of(r.dense, epsilon: null),
                AnalysisOptions.DefaultMargin))
            .ToList();

    private static StabilityOptions Options(int orders, string? seeds, int points)
    {
        if (points is < 2 or > 1001)
            throw new SpecException("--points", $"is {points}; allowed: 2 to 1001 (both ends of a line count)");
        if (seeds is null)
            return orders is < 2 or >= DataOrderSeeds.MaxRetrainCopies
                ? throw new SpecException("--data-orders",
                    $"is {orders}; allowed: 2 to {DataOrderSeeds.MaxRetrainCopies - 1} (a line joins two copies)")
                : new StabilityOptions(orders, points);
        var given = List<long>(seeds, "--data-order-seeds", "seeds such as 1000,1001",
            text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null);
        if (given.Count < 2)
            throw new SpecException("--data-order-seeds", $"is '{seeds}'; allowed: two or more seeds");
        return new StabilityOptions(given.Count, points, given);
    }

    private static IReadOnlyList<TicketId> Tickets(SearchSpec spec, string? text)
    {
        if (text is null)
            return spec.Tickets().Where(t => t.WidthIndex == 0 && spec.InitOf(t) == new InitId(0, 0)).Take(2).ToList();
        var tickets = List<TicketId>(text, "--tickets", "ticket ids such as w0-t0,w0-t1", TicketId.Parse);
        foreach (var ticket in tickets.Where(t => !spec.Tickets().Contains(t)))
            throw new SpecException("--tickets", $"names {ticket}; the search has {string.Join(", ", spec.Tickets())}");
        return tickets.Distinct().ToList();
    }

    private static IReadOnlyList<int> Rounds(SearchSpec spec, string? text)
    {
        var all = Enumerable.Range(0, spec.Pruning.Rounds + 1).ToList();
        if (text is null)
            return all;
        var rounds = List<int>(text, "--rounds", $"rounds from 0 to {spec.Pruning.Rounds} such as 0,1", item =>
            int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && all.Contains(r)
                ? r
                : (int?)null);
        return rounds.Distinct().Order().ToList();
    }

    /// <summary>A comma-separated list, every item parsed, or one line naming the first that is not allowed.</summary>
    private static List<T> List<T>(string text, string option, string allowed, Func<string, T?> parse)
        where T : struct
    {
        var items = new List<T>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
            items.Add(parse(item) ?? throw new SpecException(option, $"has '{item}'; allowed: {allowed}"));
        return items;
    }

    private static void Print(IReadOnlyList<StabilityRow> rows)
    {
        static object? Mean(PairGroup? g, bool test) => g is null ? null : (test ? g.Test : g.Validation).Mean;
        static object? Spread(PairGroup? g) => g is null ? null : g.Validation.StandardDeviation;
        new ReportTable("stability", "Error barrier along the line between two trainings (instability)",
            ["width", "round", "density", "ticket", "sd", "dense", "between", "test:ticket", "dense", "between",
                "error"],
            rows.Select(r => new object?[]
            {
                r.Width, r.Round, r.Density, Mean(r.SameTicket, false), Spread(r.SameTicket), Mean(r.Dense, false),
                Mean(r.BetweenTickets, false), Mean(r.SameTicket, true), Mean(r.Dense, true),
                Mean(r.BetweenTickets, true), r.SameTicket?.EndpointValidationError,
            }).ToList(),
            "barrier: max over the line of the error above the chord between its ends; mean over pairs (sd: over " +
            "same-ticket pairs, which share copies); ticket: one mask, two data orders; dense: the dense net from " +
            "the same start; between: two tickets of one init; validation unless test:; error: the copies' own " +
            "validation error", Keys: 2).WriteText(Results.Out);
    }

    private static void Print(IReadOnlyList<TicketRetention> retention)
    {
        if (retention.Count == 0)
            return;
        new ReportTable("retention", "Ticket identity: the census's winners retrained in fresh data orders",
            ["width", "round", "density", "winners", "fresh wins", "drop", "others", "fresh wins", "drop",
                "mask F", "p", "mask share", "ticket-dense", "lower", "upper"],
            retention.Select(r => new object?[]
            {
                r.Width, r.Round, r.Density, r.Winners.Tickets, $"{r.Winners.FreshWins}/{r.Winners.Copies}",
                r.Winners.MeanSelectionDrop, r.Others.Tickets, $"{r.Others.FreshWins}/{r.Others.Copies}",
                r.Others.MeanSelectionDrop, r.ValidationMaskEffect.F, r.ValidationMaskEffect.P,
                r.ValidationMaskEffect.MaskShare, r.TicketMinusDense?.Difference.Mean,
                r.TicketMinusDense?.Difference.Lower, r.TicketMinusDense?.Difference.Upper,
            }).ToList(),
            "winners: tickets whose journaled run matched its init's converged dense net within epsilon on " +
            "validation (the census's rule); fresh wins: their copies in fresh data orders that do, by the same rule; " +
            "drop: journaled validation accuracy minus the fresh copies' mean; mask F, p: between-ticket over " +
            "within-ticket variance of the fresh copies' validation accuracy, tickets nested in inits; mask share: " +
            "the share of that variance the mask explains; ticket-dense: test accuracy at the early stop against the " +
            "dense net retrained from the same start in the same orders, mean over inits with its 95% t interval",
            Keys: 2).WriteText(Results.Out);
    }
}
