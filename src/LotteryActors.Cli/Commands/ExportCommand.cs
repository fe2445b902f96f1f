using System.CommandLine;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Data;
using LotteryActors.Training.Export;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>export &lt;id&gt; &lt;ticket&gt; --round R --out DIR</c>: finds one journaled ticket at one round and has
/// <see cref="TicketExport"/> write it under DIR (safetensors and a card; <c>--trained</c> adds the trained weights).
/// Reads the journal and the search's dataset (for the card's input normalisation; another copy than the one the
/// search recorded is refused, exit 7), writes only under DIR, and never overwrites: a file already there is
/// refused (exit 2).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("search-id") { Description = "Id printed by search and status" };
        var ticket = new Argument<string>("ticket") { Description = "Ticket id as status prints it, such as w0-t1" };
        var round = new Option<int>("--round") { Description = "Pruning round (0 is dense)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the ticket into", Required = true };
        var trained = new Option<bool>("--trained")
        {
            Description = "Also write the weights the round trained to, times its mask (trained.safetensors)",
        };
        var config = CommonOptions.Config();
        var command = new Command("export", "Write one ticket at one round as safetensors with a JSON card")
        {
            id, ticket, round, output, trained, config,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config), logToFile: false);
            var ticketId = ParseTicket(parse.GetValue(ticket)!);
            var folder = parse.GetValue(output)!;
            RefuseExisting(folder);
            SearchState state;
            await using (var reader = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
                state = await reader.ReadStartedAsync(parse.GetValue(id)!);
            var run = Find(state, ticketId, parse.GetValue(round));
            var normalisation = DatasetLoader.Normalisation(state.Spec!.Dataset);
            if (state.DatasetMismatch(normalisation.Fingerprint, state.Spec.Dataset.Path) is { } mismatch)
                throw new DatasetMismatchException(mismatch);
            using var store = ArtifactBackends.Open(setup.Runtime);
            TicketExport.Write(store, new TicketSource(state.SearchId!, state.Spec, run,
                state.InitOf(run.Unit.Ticket).InitHash, normalisation), folder, parse.GetValue(trained));
            Results.Out.WriteLine($"exported {ticketId} round {run.Unit.Round} of search {state.SearchId} " +
                                  $"(density {run.Density:F4}) to {Path.GetFullPath(folder)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static TicketId ParseTicket(string text) =>
        TicketId.Parse(text) ?? throw new SpecException("ticket",
            $"is '{text}'; allowed: a ticket id such as w0-t1 (`status` lists them)");

    private static void RefuseExisting(string folder)
    {
        foreach (var name in TicketExport.Files)
            if (File.Exists(Path.Combine(folder, name)))
                throw new SpecException("--out", $"'{folder}' already holds {name}; allowed: a folder without one");
    }

    /// <summary>The ticket's own IMP run at that round (not a control's), or one line saying what exists.</summary>
    private static RunResult Find(SearchState state, TicketId ticket, int round)
    {
        if (!state.Spec!.Tickets().Contains(ticket))
            throw new SpecException("ticket", $"is {ticket}; search {state.SearchId} has " +
                                              $"{string.Join(", ", state.Spec.Tickets())}");
        var rounds = state.Ticket(ticket).Runs.Where(r => r.Unit.Kind == RunKind.Ticket)
            .OrderBy(r => r.Unit.Round).ToList();
        return rounds.FirstOrDefault(r => r.Unit.Round == round)
               ?? throw new SpecException("--round", $"is {round}; {ticket} has " + (rounds.Count == 0
                   ? "no journaled round yet"
                   : $"journaled rounds {string.Join(", ", rounds.Select(r => r.Unit.Round))}"));
    }
}
