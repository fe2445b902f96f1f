using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Imp;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// What a node brings to a search: its runner (dataset loaded once, shared read-only; artifact store; device)
/// and its runtime settings. Lives in one process; never sent over the wire.
/// </summary>
public sealed record TrainingNode(ImpRunner Runner, RuntimeSettings Runtime)
{
    /// <summary>Trainers run here: one dedicated thread per trainer, so TorchSharp's thread-local dispose scopes hold.</summary>
    public const string TrainerDispatcher = "lottery.trainer-dispatcher";

    public static string DispatcherHocon => """
        lottery.trainer-dispatcher {
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        """;
}
