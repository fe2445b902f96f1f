namespace LotteryActors.Cluster.Trainers;

/// <summary>
/// Where workers train: one dedicated thread per worker, so TorchSharp's thread-local dispose scopes hold and a
/// trainer's chunk never waits for, or holds up, the actors that coordinate and talk to the cluster.
/// </summary>
public static class TrainerDispatcher
{
    public const string Id = "lottery.trainer-dispatcher";

    public const string Hocon = """
        lottery.trainer-dispatcher {
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        """;
}
