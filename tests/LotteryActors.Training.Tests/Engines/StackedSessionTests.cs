using LotteryActors.Training.Data;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Engines;

/// <summary>
/// Members with their own init, mask and data order on the synthetic data (LeNet at width 0.25, 30 iterations),
/// trained stacked and alone.
/// </summary>
public sealed class StackedSessionTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly List<IDisposable> owned = [];

    public StackedSessionTests() => set_num_threads(1);

    public void Dispose()
    {
        owned.ForEach(o => o.Dispose());
        data.Dispose();
    }

    private static PrunableNetwork Network() =>
        NetworkFactory.Create(ModelFamily.Lenet300100, 0.25, SyntheticData.ExampleShape, SyntheticData.Classes);

    /// <summary>Member i: init seed 10 + i, pruned by magnitude to (1 - rates[i]) of each layer, data order 20 + i.
    /// </summary>
    private StackedMember Member(int i, double rate)
    {
        using var network = Network();
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 10 + i);
        using var dense = Mask.Dense(init, network.PrunableWeights);
        var mask = rate == 0
            ? dense.Clone()
            : PruningStrategies.LayerWise.Prune(dense, init, network.OutputWeight, new PruningRates(rate, rate));
        owned.Add(mask);
        owned.Add(new DisposableWeights(init));
        return new StackedMember(mask, init, 20 + i);
    }

    private Dictionary<string, Tensor> Alone(StackedMember member, TrainingRecipe recipe)
    {
        using var network = Network();
        using var session = new TrainingSession(network, data, recipe, member.Mask, member.StartWeights,
            member.DataOrderSeed, 0);
        session.RunChunk(int.MaxValue);
        using var outcome = session.Complete();
        return outcome.TrainedWeights.ToDictionary(p => p.Key, p => p.Value.clone());
    }

    private IReadOnlyList<Dictionary<string, Tensor>> Stacked(IReadOnlyList<StackedMember> members,
        TrainingRecipe recipe, int? width = null)
    {
        using var network = Network();
        using var session = new StackedSession(network, data, recipe, members, width: width);
        while (!session.IsComplete)
            session.RunChunk(7);
        return session.MemberWeights();
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.01)]
    [InlineData(OptimizerKind.Sgd, 0.05)]
    public void Each_member_of_a_stack_trains_as_it_would_alone_to_float_tolerance(OptimizerKind optimizer, double rate)
    {
        var recipe = SyntheticSpec.Recipe(optimizer, rate) with { WeightDecay = 1e-4 };
        var members = new[] { Member(0, 0), Member(1, 0.5), Member(2, 0.2) };

        var stacked = Stacked(members, recipe);

        Assert.Equal(3, stacked.Count);
        for (var k = 0; k < members.Length; k++)
        {
            var alone = Alone(members[k], recipe);
            Assert.True(TensorAssert.AnyDiffers(alone, new Dictionary<string, Tensor>(members[k].StartWeights)));
            foreach (var (name, expected) in alone)
                Assert.True(stacked[k][name].allclose(expected, rtol: 1e-4, atol: 1e-5),
                    $"member {k}, {name}: largest difference "
                    + $"{(stacked[k][name] - expected).abs().max().item<float>()}");
            TensorAssert.DisposeAll(alone);
        }
    }

    [Fact]
    public void Pruned_weights_of_every_member_stay_exactly_zero()
    {
        var members = new[] { Member(0, 0.5), Member(1, 0.2) };

        var stacked = Stacked(members, SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01));

        for (var k = 0; k < members.Length; k++)
            foreach (var (name, mask) in members[k].Mask.Layers)
            {
                var values = TensorAssert.Values(stacked[k][name]);
                Assert.All(TensorAssert.Values(mask).Zip(values).Where(p => p.First == 0f),
                    p => Assert.True(p.Second == 0f));
            }
    }

    [Fact]
    public void A_members_bits_do_not_depend_on_its_companions()
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);
        var member = Member(0, 0.5);

        var withOne = Stacked([member, Member(1, 0.2)], recipe);
        var withThree = Stacked([member, Member(2, 0), Member(3, 0.5), Member(4, 0.2)], recipe);

        TensorAssert.BitwiseEqual(withOne[0], withThree[0]);
    }

    /// <summary>On the CPU K does not change the kernel's arithmetic either; the stacked engine still pads every
    /// stack to one K, since a GPU's batched kernels may change with K.</summary>
    [Fact]
    public void On_the_cpu_a_members_bits_do_not_depend_on_the_stacks_width()
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);
        var member = Member(0, 0.5);

        var single = Stacked([member], recipe);
        var padded = Stacked([member], recipe, width: 5);

        TensorAssert.BitwiseEqual(single[0], padded[0]);
        Assert.Single(padded);
    }

    /// <summary>
    /// Why <see cref="StackedEngine"/> fixes every ticket's place in its stack: two members swapped train to other
    /// bits (here in fc1, whose per-member slices then start at other memory alignments). Were this ever to fail,
    /// fixed places would be unnecessary, not wrong.
    /// </summary>
    [Fact]
    public void On_the_cpu_a_members_bits_can_depend_on_its_place_in_the_stack()
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Sgd, 0.05);
        var member = Member(0, 0);
        var other = member with { DataOrderSeed = 99 };

        var first = Stacked([member, other], recipe);
        var second = Stacked([other, member], recipe);

        Assert.True(TensorAssert.AnyDiffers(first[0], second[1]));
    }

    [Fact]
    public void A_diverged_member_fails_alone_and_its_companions_train_on_bit_for_bit()
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);
        var healthy = Member(0, 0.5);
        var poisoned = Member(1, 0.2);
        var nan = poisoned.StartWeights.ToDictionary(p => p.Key, p => p.Value * float.NaN);
        owned.Add(new DisposableWeights(nan));
        var reference = Stacked([healthy, poisoned], recipe);

        using var network = Network();
        using var session = new StackedSession(network, data, recipe, [healthy, poisoned with { StartWeights = nan }]);
        session.RunChunk(int.MaxValue);

        Assert.Null(session.Failure(0));
        Assert.Equal(0, session.Failure(1)!.Iteration);
        using var outcome = session.Complete(0);
        TensorAssert.BitwiseEqual(reference[0], outcome.TrainedWeights);
        Assert.Throws<InvalidOperationException>(() => session.Complete(1));
    }

    private sealed class DisposableWeights(Dictionary<string, Tensor> weights) : IDisposable
    {
        public void Dispose() => TensorAssert.DisposeAll(weights);
    }
}
