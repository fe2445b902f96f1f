using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// <c>stability</c> on a real finished search (2 tickets of one init, 2 rounds, rewinding to the init, seed
/// data-order = 1000 so ticket w0-t0 trained in order 1000).
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class StabilityCommandTests(CompletedSearch search) : IClassFixture<CompletedSearch>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private CliResult Stability(params string[] arguments) =>
        CliProcess.Run(Limit, ["stability", search.SearchId, "--config", search.Workspace.ConfigPath, .. arguments]);

    private JsonElement Journaled(string ticket, int round) => JsonDocument.Parse(search.SearchJson).RootElement
        .GetProperty("tickets").EnumerateArray().SelectMany(t => t.GetProperty("runs").EnumerateArray())
        .Single(r => r.GetProperty("ticket").GetString() == ticket && r.GetProperty("round").GetInt32() == round &&
                     r.GetProperty("kind").GetString() == "ticket");

    [Fact]
    public void Json_has_every_round_with_its_three_kinds_of_lines_in_range_and_the_dense_reference_from_the_init()
    {
        var result = Stability("--json", "--points", "5");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal("stability.v1", root.GetProperty("format").GetString());
        Assert.Equal(search.SearchId, root.GetProperty("searchId").GetString());
        Assert.Equal((2, 5, false, 0), (root.GetProperty("dataOrders").GetInt32(),
            root.GetProperty("points").GetInt32(), root.GetProperty("seedsGiven").GetBoolean(),
            root.GetProperty("rewindIteration").GetInt32()));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], rows.Select(r => r.GetProperty("round").GetInt32()));
        foreach (var row in rows)
        {
            var round = row.GetProperty("round").GetInt32();
            Assert.Equal(["w0-t0", "w0-t1"], row.GetProperty("tickets").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(Journaled("w0-t0", round).GetProperty("density").GetDouble(),
                row.GetProperty("density").GetDouble(), 12);
            foreach (var kind in new[] { "sameTicket", "dense", "betweenTickets" })
            {
                var group = row.GetProperty(kind);
                Assert.Equal(2, group.GetProperty("pairs").GetInt32());
                Assert.InRange(group.GetProperty("validation").GetProperty("mean").GetDouble(), 0, 1);
                Assert.InRange(group.GetProperty("test").GetProperty("max").GetDouble(), 0, 1);
            }
            var pairs = row.GetProperty("pairs").EnumerateArray().ToList();
            Assert.Equal(6, pairs.Count);
            foreach (var pair in pairs)
            foreach (var split in new[] { "validation", "test" })
            {
                var curve = pair.GetProperty(split);
                Assert.Equal([0, 0.25, 0.5, 0.75, 1],
                    curve.GetProperty("alphas").EnumerateArray().Select(a => a.GetDouble()));
                Assert.All(curve.GetProperty("errors").EnumerateArray(), e => Assert.InRange(e.GetDouble(), 0, 1));
                Assert.InRange(curve.GetProperty("barrier").GetDouble(), 0, 1);
            }
            // Rewinding to the init, every round's dense reference is the dense net trained from the journaled init
            // in the same two orders: round 0's tickets themselves.
            Assert.Equal(rows[0].GetProperty("sameTicket").GetRawText(), row.GetProperty("dense").GetRawText());
        }
        // Ticket identity per row: both tickets, two fresh copies each, judged by the round-0 nets (no converged
        // baseline in this search); a ticket-minus-dense difference wherever a dense copy was trained apart from it.
        var retention = root.GetProperty("retention").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], retention.Select(r => r.GetProperty("round").GetInt32()));
        foreach (var row in retention)
        {
            var tickets = row.GetProperty("tickets").EnumerateArray().ToList();
            Assert.Equal(["w0-t0", "w0-t1"], tickets.Select(t => t.GetProperty("ticket").GetString()));
            Assert.All(tickets, t => Assert.Equal(2, t.GetProperty("copies").GetInt32()));
            var round = row.GetProperty("round").GetInt32();
            Assert.Equal(Journaled("w0-t0", round).GetProperty("testAccuracyAtEarlyStop").GetDouble(),
                tickets[0].GetProperty("originalTestAccuracy").GetDouble());
            Assert.Equal(4, row.GetProperty("winners").GetProperty("copies").GetInt32()
                            + row.GetProperty("others").GetProperty("copies").GetInt32());
            Assert.Equal(round == 0 ? JsonValueKind.Null : JsonValueKind.Object,
                row.GetProperty("ticketMinusDense").ValueKind);
        }
    }

    [Fact]
    public void The_tickets_own_order_twice_retrains_its_journaled_round_exactly_with_no_barrier()
    {
        var result = Stability("--json", "--tickets", "w0-t0", "--rounds", "2", "--data-order-seeds", "1000,1000");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var row = Assert.Single(doc.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("betweenTickets").ValueKind);
        var pair = row.GetProperty("pairs").EnumerateArray()
            .Single(p => p.GetProperty("kind").GetString() == "same-ticket");
        Assert.Equal((1000, 1000),
            (pair.GetProperty("firstSeed").GetInt64(), pair.GetProperty("secondSeed").GetInt64()));
        var journaled = Journaled("w0-t0", 2);
        foreach (var (split, accuracy) in new[] { ("validation", "validationAccuracy"), ("test", "testAccuracy") })
        {
            var curve = pair.GetProperty(split);
            Assert.Equal(0, curve.GetProperty("barrier").GetDouble());
            var errors = curve.GetProperty("errors").EnumerateArray().Select(e => e.GetDouble()).ToList();
            Assert.Single(errors.Distinct());
            Assert.Equal(1 - journaled.GetProperty(accuracy).GetDouble(), errors[0]);
        }
    }

    [Fact]
    public void Text_is_one_table_row_per_round_within_120_columns()
    {
        var result = Stability("--tickets", "w0-t0", "--rounds", "1,2");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Error barrier along the line", result.Stdout);
        Assert.All(result.Stdout.Split('\n'), line => Assert.True(line.Length <= 120, line));
        // Then the ticket-identity table, one row per round too (in two parts, each with the key columns, to fit).
        var at = result.Stdout.IndexOf("Ticket identity", StringComparison.Ordinal);
        Assert.True(at > 0, result.Stdout);
        static int Rows(string table) =>
            table.Split('\n').Count(l => l.StartsWith("1.0000 ", StringComparison.Ordinal));
        var parts = result.Stdout[at..].Split("\n\n");
        Assert.True((2, 2, 2) == (Rows(result.Stdout[..at]), Rows(parts[0]), Rows(parts[1])), result.Stdout);
        Assert.Contains("ticket-dense", parts[0]);
    }

    [Theory]
    [InlineData("--tickets", "w0-t9", "--tickets")]
    [InlineData("--tickets", "t0", "--tickets")]
    [InlineData("--rounds", "0,5", "--rounds")]
    [InlineData("--points", "1", "--points")]
    [InlineData("--data-orders", "1", "--data-orders")]
    [InlineData("--data-order-seeds", "7", "--data-order-seeds")]
    [InlineData("--data-order-seeds", "7,x", "--data-order-seeds")]
    public void Bad_choice_is_one_line_and_exit_code_2(string option, string value, string named)
    {
        var result = Stability(option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, Assert.Single(result.ErrorLines));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Unknown_search_is_one_line_and_exit_code_2()
    {
        var result = CliProcess.Run(Limit, "stability", "0000000000000000", "--config", search.Workspace.ConfigPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no search '0000000000000000'", Assert.Single(result.ErrorLines));
    }
}
