namespace LotteryActors.Actors.Tests.Support;

public static class TestConfig
{
    /// <summary>The production serializer bindings, with TestKit defaults for the rest.</summary>
    public static string Akka => string.Join('\n',
        LotteryActors.Actors.Persistence.SearchJournalSerializer.Hocon,
        "akka.loglevel = INFO");
}
