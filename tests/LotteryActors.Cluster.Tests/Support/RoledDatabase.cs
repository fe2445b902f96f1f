using LotteryActors.Cluster.Protocol;
using Npgsql;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>
/// A lab database set up as an administrator would (deploy/postgres/roles.sql applied with psql, twice, as it may
/// be after an upgrade), whose journal a one-node lab logged in as <c>lottery_coordinator</c> has written: one
/// search submitted and finished. Tests then log in as each role to see what it may and may not do.
/// </summary>
public sealed class RoledDatabase : IAsyncLifetime
{
    private const string Psql = "/usr/lib/postgresql/15/bin/psql";

    private readonly Lazy<TempPostgres> server = new(() => new TempPostgres());
    private string database = "";

    /// <summary>What the coordinator's lab journaled; empty where PostgreSQL is not installed.</summary>
    public IReadOnlyList<IClusterEvent> Journaled { get; private set; } = [];

    /// <summary>The lab database's connection string for <paramref name="role"/> (the server trusts every login on
    /// 127.0.0.1: passwords are PostgreSQL's business, privileges are what is tested).</summary>
    public string As(string role) => new NpgsqlConnectionStringBuilder(database) { Username = role }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (TempPostgres.WhyNot is not null)
            return;
        database = server.Value.NewDatabase();
        ApplyRoles();
        ApplyRoles();
        await using var lab = new Lab(server.Value, connectionString: As("lottery_coordinator"));
        var node = await lab.Start("coordinator,trainer");
        var spec = Hand.Spec(seed: 21, tickets: 1);
        await lab.Submit(node, spec);
        await lab.Finished(node, spec);
        Journaled = lab.Journal();
    }

    public Task DisposeAsync()
    {
        if (server.IsValueCreated)
            server.Value.Dispose();
        return Task.CompletedTask;
    }

    private void ApplyRoles()
    {
        var login = new NpgsqlConnectionStringBuilder(database);
        TempPostgres.Run(Psql, "-X", "-q", "-h", login.Host!, "-p", $"{login.Port}", "-U", login.Username!,
            "-d", login.Database!, "-v", "coordinator_password=c-secret", "-v", "trainer_password=t-secret",
            "-f", Path.Combine(AppContext.BaseDirectory, "deploy", "postgres", "roles.sql"));
    }
}
