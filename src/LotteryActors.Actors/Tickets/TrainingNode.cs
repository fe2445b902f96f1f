using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Protocol;
using LotteryActors.Training.Imp;
using TorchSharp;

namespace LotteryActors.Actors.Tickets;

/// <summary>
/// What a node brings to a search: its runner (dataset loaded once, shared read-only; artifact store; device)
/// and its runtime settings. Lives in one process; never sent over the wire.
/// </summary>
public sealed record TrainingNode(ImpRunner Runner, RuntimeSettings Runtime)
{
    /// <summary>Trainers run here: one dedicated thread per trainer, so TorchSharp's thread-local dispose scopes hold.</summary>
    public const string TrainerDispatcher = "lottery.trainer-dispatcher";

    /// <summary>Whether this node's runs go through one <see cref="DeviceEngine"/> that stacks them, rather than
    /// each through its own trainer's thread and slot.</summary>
    public bool Stacks => Runtime.Engine.Stacks(Device);

    /// <summary>How this node trains a run, as far as its bits are concerned.</summary>
    public TrainingSetup Setup => Runtime.SetupOn(Device);

    /// <summary>The device the runs train on: their data's.</summary>
    private DeviceType Device => Runner.Data.Train.Images.device_type;

    public static string DispatcherHocon => """
        lottery.trainer-dispatcher {
          type = PinnedDispatcher
          executor = thread-pool-executor
        }
        """;
}
