using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Cli.Output;
using LotteryActors.Training;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>export &lt;id&gt; &lt;ticket&gt; --round R --out DIR</c>: writes one journaled ticket at one round as a
/// researcher takes it away, in safetensors (PyTorch opens it with <c>safetensors.torch.load_file</c>):
/// ticket.safetensors (the round's start weights times its mask), mask.safetensors (the journaled mask artifact,
/// byte for byte) and card.json (<see cref="TicketCard"/>). Reads the journal, writes only under DIR, and never
/// overwrites: a file already there is refused (exit 2).
/// </summary>
public static partial class ExportCommand
{
    public const string TicketFile = "ticket.safetensors";
    public const string MaskFile = "mask.safetensors";
    public const string CardFile = "card.json";

    private static readonly JsonSerializerOptions CardJson = new(SpecNames.Json) { WriteIndented = true };

    public static Command Create()
    {
        var id = new Argument<string>("search-id") { Description = "Id printed by search and status" };
        var ticket = new Argument<string>("ticket") { Description = "Ticket id as status prints it, such as w0-t1" };
        var round = new Option<int>("--round") { Description = "Pruning round (0 is dense)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the ticket into", Required = true };
        var config = CommonOptions.Config();
        var command = new Command("export", "Write one ticket at one round as safetensors with a JSON card")
        {
            id, ticket, round, output, config,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config), logToFile: false);
            var ticketId = ParseTicket(parse.GetValue(ticket)!);
            var folder = parse.GetValue(output)!;
            RefuseExisting(folder);
            SearchState state;
            await using (var reader = new SearchJournalReader(setup.Runtime, CommandSetup.AkkaOverrides))
                state = await reader.ReadStartedAsync(parse.GetValue(id)!);
            var run = Find(state, ticketId, parse.GetValue(round));
            using var store = NodeBuilder.OpenArtifactStore(setup.Runtime);
            Write(state, run, store, folder);
            Results.Out.WriteLine($"exported {ticketId} round {run.Unit.Round} of search {state.SearchId} " +
                                  $"(density {run.Density:F4}) to {Path.GetFullPath(folder)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static TicketId ParseTicket(string text) =>
        TicketPattern().Match(text) is { Success: true } m
            ? new TicketId(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))
            : throw new SpecException("ticket",
                $"is '{text}'; allowed: a ticket id such as w0-t1 (`status` lists them)");

    [GeneratedRegex(@"^w([0-9]{1,6})-t([0-9]{1,6})$")]
    private static partial Regex TicketPattern();

    private static void RefuseExisting(string folder)
    {
        foreach (var name in new[] { TicketFile, MaskFile, CardFile })
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

    private static void Write(SearchState state, RunResult run, ArtifactStore store, string folder)
    {
        Directory.CreateDirectory(folder);
        var unit = run.Unit;
        var weights = WinningTicket.Weights(store, unit.StartHash, unit.MaskHash);
        byte[] ticketBytes;
        try
        {
            ticketBytes = SafeTensors.Serialize(weights, new Dictionary<string, string>
            {
                ["kind"] = "winning-ticket",
                ["search-id"] = state.SearchId!,
                ["ticket"] = unit.Ticket.ToString(),
                ["round"] = unit.Round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        finally
        {
            weights.DisposeAll();
        }
        // The journaled mask file itself: its hash is the one the journal names, so the copy is checkably the same.
        var maskBytes = File.ReadAllBytes(store.PathOf(unit.MaskHash));
        if (Sha256(maskBytes) != unit.MaskHash)
            throw new CorruptArtifactException($"mask {unit.MaskHash} no longer hashes to its name");
        var (kept, total) = Counts(store, unit.MaskHash);
        var card = new TicketCard(1, state.SearchId!, state.Spec!.Name,
            JsonSerializer.SerializeToElement(state.Spec, SpecNames.Json), unit.Ticket.ToString(),
            state.Spec.Width(unit.Ticket), unit.Round,
            unit.StartHash == state.InitOf(unit.Ticket).InitHash ? "init" : "rewind-point",
            run.Density, kept, total, run.Metrics,
            new TicketCardHashes(unit.StartHash, unit.MaskHash, run.WeightsHash),
            new Dictionary<string, string> { [TicketFile] = Sha256(ticketBytes), [MaskFile] = unit.MaskHash });
        WriteNew(folder, TicketFile, ticketBytes);
        WriteNew(folder, MaskFile, maskBytes);
        WriteNew(folder, CardFile, JsonSerializer.SerializeToUtf8Bytes(card, CardJson));
    }

    private static (long Kept, long Total) Counts(ArtifactStore store, string maskHash)
    {
        var mask = store.Get(maskHash);
        try
        {
            return (mask.Values.Sum(m => m.count_nonzero().item<long>()), mask.Values.Sum(m => m.numel()));
        }
        finally
        {
            mask.DisposeAll();
        }
    }

    /// <summary>Written to a temporary name, then moved: a reader never sees half a file.</summary>
    private static void WriteNew(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: false);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
