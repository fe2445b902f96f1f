namespace LotteryActors.Cluster.Tests.Support;

/// <summary>One throwaway PostgreSQL server per test class; each <see cref="Lab"/> gets its own database.</summary>
public sealed class PostgresServer : IDisposable
{
    private readonly Lazy<TempPostgres> server = new(() => new TempPostgres());

    public TempPostgres Server => server.Value;

    public void Dispose()
    {
        if (server.IsValueCreated)
            server.Value.Dispose();
    }
}
