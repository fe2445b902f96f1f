using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// One rule for every command: LOTTERY_CONNECTION_STRING wins over the config file. A machine set up for a lab (the
/// variable exported, as docs/cluster.md says) finds the cluster's searches with <c>status</c> through the variable
/// alone, against a real PostgreSQL and a real coordinator node; a value that is no connection string, or names a
/// server that is not there, is one line on stderr and exit 2 or 5.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class ConnectionStringVariableTests : IDisposable
{
    private const string Variable = "LOTTERY_CONNECTION_STRING";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static readonly string NodeHocon = $$"""
        {{SearchWorkspace.Search}}
        lottery.cluster.join-timeout = 90s
        """;

    private readonly ProcessCluster lab = new("variable", NodeHocon);

    public void Dispose() => lab.Dispose();

    [PostgresFact]
    public void Status_finds_a_cluster_search_through_the_variable_alone_and_a_bad_value_is_one_line()
    {
        var cluster = lab.Nodes!;
        var port = FreePort.Next();
        var seeds = LocalCluster.Seeds([port]);
        // A coordinator that trains nothing: a submitted search is journaled, and stays running, with no trainer.
        cluster.Start("coordinator", "coordinator", port, seeds).WaitForLog("is up with roles", Limit);
        var submitted = CliProcess.Run(Limit, cluster.Environment(seeds), "submit", "--json", "--config",
            cluster.Config("client"));
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        var searchId = SearchJson.SearchId(submitted.Stdout);
        // The reader's own file points at a database that is not there: only the variable can lead it to the lab's.
        var closed = FreePort.Next();
        var absent = $"Host=127.0.0.1;Port={closed};Username=nobody";
        var reader = Path.Combine(lab.Folder, "reader.conf");
        File.WriteAllText(reader, $"""
            include "{Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf")}"
            lottery.runtime.home = "{Path.Combine(lab.Folder, "reader")}"
            lottery.runtime.connection-string = "{absent}"
            """);

        var status = Status(reader, lab.Postgres!.ConnectionString);

        Assert.True(status.ExitCode == 0, status.Stderr);
        var search = Assert.Single(
            JsonDocument.Parse(status.Stdout).RootElement.GetProperty("searches").EnumerateArray());
        Assert.Equal((searchId, "running"),
            (search.GetProperty("searchId").GetString(), search.GetProperty("phase").GetString()));

        // Without the variable the file's database is asked, and is not there.
        var unset = Status(reader, connection: null);
        Assert.Equal(5, unset.ExitCode);
        Assert.StartsWith($"error: cannot reach the journal database at 127.0.0.1:{closed} ",
            Assert.Single(unset.ErrorLines));
        // A variable naming a server that is not there: the same line, exit 5, never a stack or a hang.
        var unreachable = Status(reader, absent);
        Assert.Equal(5, unreachable.ExitCode);
        Assert.Contains("(LOTTERY_CONNECTION_STRING, PGPASSWORD)", Assert.Single(unreachable.ErrorLines));
        Assert.DoesNotContain("   at ", unreachable.Stderr);
        // A value that is no connection string at all: bad input, exit 2, its value (maybe a password) not echoed.
        var malformed = Status(reader, "Host=127.0.0.1;Password=secret;Port");
        Assert.Equal(2, malformed.ExitCode);
        var line = Assert.Single(malformed.ErrorLines);
        Assert.StartsWith("error: invalid setting 'lottery.runtime.connection-string': is not a PostgreSQL " +
                          "connection string", line);
        Assert.DoesNotContain("secret", malformed.Stderr);
    }

    private static CliResult Status(string config, string? connection) => CliProcess.Run(Limit,
        new Dictionary<string, string?> { [Variable] = connection }, "status", "--json", "--config", config);
}
