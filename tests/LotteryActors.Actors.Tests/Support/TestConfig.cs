using LotteryActors.Actors.Tickets;

namespace LotteryActors.Actors.Tests.Support;

public static class TestConfig
{
    /// <summary>The production trainer dispatcher and serializer bindings, with TestKit defaults for the rest.</summary>
    public static string Akka => string.Join('\n',
        TrainingNode.DispatcherHocon,
        LotteryActors.Actors.Persistence.SearchJournalSerializer.Hocon,
        "akka.loglevel = INFO");

    /// <summary>Journal and snapshots in memory, one store per actor system.</summary>
    public const string InMemoryPersistence = """
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;
}
