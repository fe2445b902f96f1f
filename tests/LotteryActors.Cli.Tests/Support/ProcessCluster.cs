using System.Text.Json;
using LotteryActors.Cluster.Protocol;
using LotteryActors.TestSupport;
using Npgsql;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// What a test of real <c>lottery node</c> processes needs around them: a folder of its own, a throwaway PostgreSQL
/// (none where <see cref="TempPostgres.WhyNot"/> says it cannot start; a <see cref="PostgresFact"/> then skips the
/// test) and the nodes (<see cref="LocalCluster"/>) with every node's shared config lines. Disposing kills the nodes,
/// stops the server and deletes the folder.
/// </summary>
public sealed class ProcessCluster : IDisposable
{
    public ProcessCluster(string name, string nodeHocon)
    {
        Folder = Directory.CreateDirectory(
            Path.Combine(Path.GetTempPath(), $"lottery-{name}-{Guid.NewGuid():N}")).FullName;
        if (TempPostgres.WhyNot is not null)
            return;
        Postgres = new TempPostgres();
        Nodes = new LocalCluster(Folder, Postgres.ConnectionString,
            Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.conf"), nodeHocon);
    }

    public string Folder { get; }

    public TempPostgres? Postgres { get; }

    public LocalCluster? Nodes { get; }

    /// <summary>The cluster coordinator's journal rows of one event type, in order.</summary>
    public List<JsonElement> Journal<TEvent>()
    {
        using var connection = new NpgsqlConnection(Postgres!.ConnectionString);
        connection.Open();
        return JournalRows.Messages(connection, ClusterSerializer.ManifestOf<TEvent>());
    }

    public void Dispose()
    {
        Nodes?.Dispose();
        Postgres?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A stopped node may still be releasing files; the OS temp cleaner takes what is left.
        }
    }
}
