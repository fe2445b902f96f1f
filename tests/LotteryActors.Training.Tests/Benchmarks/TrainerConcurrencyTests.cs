using LotteryActors.Benchmarks.Training;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Benchmarks;

/// <summary>The bench's measurements on the synthetic data: what they time must be the same training.</summary>
public sealed class TrainerConcurrencyTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();

    public TrainerConcurrencyTests() => set_num_threads(1);

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private (ImpRunner Runner, List<WorkUnit> Units) ThreeTickets()
    {
        // Runs long enough that each plain trainer thread's CPU time shows (the 30-iteration default now trains in
        // a few milliseconds, under the kernel's 10 ms clock tick that per-thread CPU is counted in).
        var spec = SyntheticSpec.LongRuns(tickets: 3);
        var runner = new ImpRunner(spec, data, new ArtifactStore(temp.Path));
        var init = runner.DrawInit(0);
        var mask = runner.DenseMask(init);
        return (runner, spec.Tickets().Select(t => new WorkUnit(t, 0, RunKind.Ticket, init, mask)).ToList());
    }

    [Fact]
    public void Plain_threads_train_the_same_weights_as_one_after_another()
    {
        var (runner, units) = ThreeTickets();

        var sequential = TrainerConcurrency.Sequential(runner, units, threads: 1);
        var threads = TrainerConcurrency.PlainThreads(runner, units);

        Assert.Equal(3, sequential.WeightsHashes.Distinct().Count());
        Assert.Equal(sequential.WeightsHashes, threads.WeightsHashes);
        Assert.All([sequential, threads], m => Assert.InRange(m.TrainingSeconds, 1e-6, m.WallSeconds));
        Assert.Equal(0, sequential.StartSpreadSeconds);
        Assert.InRange(threads.StartSpreadSeconds, 0, threads.TrainingSeconds);
        Assert.Empty(sequential.CpuSecondsByThread);
        Assert.InRange(threads.CpuSecondsByThread["plain trainer"], 0.01, 3 * threads.TrainingSeconds);
    }

    [Fact]
    public void Peak_memory_of_this_process_is_read_from_the_kernel()
    {
        var peak = PeakMemory.OfThisProcess();

        Assert.NotNull(peak);
        Assert.True(peak > 50L << 20, $"a process with libtorch loaded peaks above 50 MiB, not {peak} bytes");
    }
}
