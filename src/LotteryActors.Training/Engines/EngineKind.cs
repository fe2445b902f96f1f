using LotteryActors.Training.Imp;
using TorchSharp;

namespace LotteryActors.Training.Engines;

/// <summary><c>lottery.runtime.engine</c>: auto picks separate on the CPU and stacked on a CUDA device.</summary>
public enum EngineKind { Auto, Separate, Stacked }

public static class EngineKinds
{
    /// <summary>What <paramref name="kind"/> means on <paramref name="device"/>. Auto is stacked on CUDA because
    /// small nets there are launch-bound: on one H100 a stack of 8 LeNet-300-100 members stepped 7.5x as fast as
    /// 8 separate sessions, and on this project's CPUs 0.8x (README, "Measured here").</summary>
    public static EngineKind On(this EngineKind kind, DeviceType device) => kind switch
    {
        EngineKind.Auto => device == DeviceType.CUDA ? EngineKind.Stacked : EngineKind.Separate,
        _ => kind,
    };

    /// <summary>The engine of <paramref name="kind"/> for the runner's search, on the runner's device.</summary>
    public static ITrainingEngine Create(this EngineKind kind, ImpRunner runner, int stackSize) =>
        kind.On(runner.Data.Train.Images.device_type) == EngineKind.Stacked
            ? new StackedEngine(runner, stackSize)
            : new SeparateEngine(runner);
}
