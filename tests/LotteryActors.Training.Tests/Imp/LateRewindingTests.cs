using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Imp;

/// <summary>
/// Late rewinding through the runner, against a plain <see cref="TrainingSession"/>: with rewind k, round 0's
/// rewind point is an uninterrupted run stopped after k iterations, and a later round starts at iteration k from
/// the rewind point (so with the data order from there on) and runs the remaining total - k. k = 13 lies mid-epoch
/// (10 iterations an epoch, 30 in all), so an off-by-one or a restart from the epoch's start shows.
/// </summary>
public sealed class LateRewindingTests : IDisposable
{
    private const int Rewind = 13;
    private const int Total = 30;

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();
    private readonly ImpRunner runner;

    public LateRewindingTests()
    {
        set_num_threads(1);
        var spec = SyntheticSpec.Search();
        runner = new ImpRunner(spec with
        {
            Pruning = spec.Pruning with { Rounds = 1, Rewind = new Duration(Rewind, DurationUnit.Iterations) },
        }, data, new ArtifactStore(temp.Path));
    }

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Round_zero_s_rewind_point_is_a_plain_run_stopped_after_k_iterations()
    {
        var unit = runner.RoundZero().Single();

        var result = runner.Run(unit);

        var stoppedAtK = runner.Spec.Training with { Duration = new Duration(Rewind, DurationUnit.Iterations) };
        AssertPlainRunGives(unit, stoppedAtK, startIteration: 0, result.RewindHash!);
    }

    [Fact]
    public void A_later_round_starts_at_iteration_k_from_the_rewind_point_and_runs_total_minus_k()
    {
        var roundZero = runner.Run(runner.RoundZero().Single());
        var unit = new WorkUnit(roundZero.Unit.Ticket, 1, RunKind.Ticket, roundZero.RewindHash!,
            roundZero.NextMaskHash!);
        using (var run = runner.Begin(unit))
            Assert.Equal((Rewind, Total - Rewind), (run.Iteration, run.TotalIterations - run.Iteration));

        var result = runner.Run(unit);

        AssertPlainRunGives(unit, runner.Spec.Training, startIteration: Rewind, result.WeightsHash);
    }

    /// <summary>Trains <paramref name="unit"/>'s mask from its start weights and data-order seed in a plain
    /// session and asserts the trained weights are, bit for bit, the stored <paramref name="expectedHash"/>.</summary>
    private void AssertPlainRunGives(WorkUnit unit, TrainingRecipe recipe, int startIteration, string expectedHash)
    {
        using var network = runner.CreateNetwork(runner.Spec.Width(unit.Ticket));
        using var mask = runner.GetMask(unit.MaskHash);
        var start = runner.Store.Get(unit.StartHash);
        var expected = runner.Store.Get(expectedHash);
        try
        {
            using var session = new TrainingSession(network, data, recipe, mask, start,
                runner.Spec.DataOrderSeed(unit.Ticket), startIteration);
            session.RunChunk(int.MaxValue);
            using var outcome = session.Complete();
            TensorAssert.BitwiseEqual(expected, outcome.TrainedWeights);
        }
        finally
        {
            TensorAssert.DisposeAll(start);
            TensorAssert.DisposeAll(expected);
        }
    }
}
