using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>The artifact hashes the journal names, read straight from its SQLite rows.</summary>
internal sealed record Journaled(IReadOnlyList<string> Inits, IReadOnlyList<JsonElement> Runs,
    IReadOnlyList<string> All)
{
    /// <summary>The search's one shared init (a search of one width and one init per width).</summary>
    public string Init => Assert.Single(Inits);

    public static Journaled Read(string journalPath)
    {
        using var connection = new SqliteConnection($"Data Source={journalPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var inits = JournalRows.Outputs(connection, "Init");
        var runs = JournalRows.Outputs(connection, "Run");
        var all = inits.SelectMany(i => new[] { i.GetProperty("InitHash"), i.GetProperty("DenseMaskHash") })
            .Concat(runs.SelectMany(r => new[] { r.GetProperty("WeightsHash"), r.GetProperty("NextMaskHash") }))
            .Concat(runs.Select(r => r.GetProperty("Control")).Where(c => c.ValueKind == JsonValueKind.Object)
                .SelectMany(c => new[] { c.GetProperty("InitHash"), c.GetProperty("MaskHash") }))
            .Where(h => h.ValueKind == JsonValueKind.String)
            .Select(h => h.GetString()!)
            .Distinct()
            .ToList();
        return new Journaled(inits.Select(i => i.GetProperty("InitHash").GetString()!).ToList(), runs, all);
    }

    public string Weights(string ticket, int round, string kind) =>
        Run(ticket, round, kind).GetProperty("WeightsHash").GetString()!;

    public string NextMask(string ticket, int round) =>
        Run(ticket, round, "ticket").GetProperty("NextMaskHash").GetString()!;

    public JsonElement Run(string ticket, int round, string kind) => Runs.Single(r =>
    {
        var unit = r.GetProperty("Unit");
        var id = unit.GetProperty("Ticket");
        return $"w{id.GetProperty("WidthIndex")}-t{id.GetProperty("Index")}" == ticket &&
               unit.GetProperty("Round").GetInt32() == round && unit.GetProperty("Kind").GetString() == kind;
    });
}
