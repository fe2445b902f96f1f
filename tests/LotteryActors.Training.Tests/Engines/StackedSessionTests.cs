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
/// Members with their own init, mask and data order on the synthetic data, trained stacked and alone, 30 iterations:
/// LeNet at width 0.25 on 6 x 6 images, and Conv-2, Conv-4 and Conv-6 at width 1/16 (4, 8 and 16 channels, 16 hidden
/// units) on 8 x 8 images, which Conv-6 pools down to 1 x 1.
/// </summary>
public sealed class StackedSessionTests : IDisposable
{
    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly DatasetSplits images8 = SyntheticData.Splits(exampleShape: [1, 8, 8]);
    private readonly List<IDisposable> owned = [];

    public StackedSessionTests() => set_num_threads(1);

    public void Dispose()
    {
        owned.ForEach(o => o.Dispose());
        data.Dispose();
        images8.Dispose();
    }

    private DatasetSplits DataFor(ModelFamily family) => family == ModelFamily.Lenet300100 ? data : images8;

    private PrunableNetwork Network(ModelFamily family) => NetworkFactory.For(family,
        family == ModelFamily.Lenet300100 ? 0.25 : 1.0 / 16, DataFor(family));

    /// <summary>Member i: init seed 10 + i, pruned by magnitude to (1 - rates[i]) of each layer, data order 20 + i.
    /// </summary>
    private StackedMember Member(int i, double rate, ModelFamily family = ModelFamily.Lenet300100)
    {
        using var network = Network(family);
        var init = NetworkFactory.DrawInit(network, InitScheme.GlorotNormal, 10 + i);
        using var dense = Mask.Dense(init, network.PrunableWeights);
        var mask = rate == 0
            ? dense.Clone()
            : PruningStrategies.LayerWise.Prune(dense, init, network.OutputWeight, new PruningRates(rate, rate));
        owned.Add(mask);
        owned.Add(new DisposableWeights(init));
        return new StackedMember(mask, init, 20 + i);
    }

    private Dictionary<string, Tensor> Alone(StackedMember member, TrainingRecipe recipe,
        ModelFamily family = ModelFamily.Lenet300100)
    {
        using var network = Network(family);
        using var session = new TrainingSession(network, DataFor(family), recipe, member.Mask, member.StartWeights,
            member.DataOrderSeed, 0);
        session.RunChunk(int.MaxValue);
        using var outcome = session.Complete();
        return outcome.TrainedWeights.ToDictionary(p => p.Key, p => p.Value.clone());
    }

    private IReadOnlyList<Dictionary<string, Tensor>> Stacked(IReadOnlyList<StackedMember> members,
        TrainingRecipe recipe, int? width = null, ModelFamily family = ModelFamily.Lenet300100)
    {
        using var network = Network(family);
        using var session = new StackedSession(network, DataFor(family), recipe, members, width: width);
        while (!session.IsComplete)
            session.RunChunk(7);
        return session.MemberWeights();
    }

    [Theory]
    [InlineData(ModelFamily.Lenet300100, OptimizerKind.Adam, 0.01)]
    [InlineData(ModelFamily.Lenet300100, OptimizerKind.Sgd, 0.05)]
    [InlineData(ModelFamily.Conv2, OptimizerKind.Adam, 0.01)]
    [InlineData(ModelFamily.Conv2, OptimizerKind.Sgd, 0.05)]
    [InlineData(ModelFamily.Conv4, OptimizerKind.Adam, 0.01)]
    [InlineData(ModelFamily.Conv6, OptimizerKind.Adam, 0.01)]
    public void Each_member_of_a_stack_trains_as_it_would_alone_to_float_tolerance(ModelFamily family,
        OptimizerKind optimizer, double rate)
    {
        var recipe = SyntheticSpec.Recipe(optimizer, rate) with { WeightDecay = 1e-4 };
        var members = new[] { Member(0, 0, family), Member(1, 0.5, family), Member(2, 0.2, family) };

        var stacked = Stacked(members, recipe, family: family);

        Assert.Equal(3, stacked.Count);
        for (var k = 0; k < members.Length; k++)
        {
            var alone = Alone(members[k], recipe, family);
            Assert.True(TensorAssert.AnyDiffers(alone, new Dictionary<string, Tensor>(members[k].StartWeights)));
            TensorAssert.Close(alone, stacked[k], rtol: 1e-4, atol: 1e-5, $"member {k}");
            TensorAssert.DisposeAll(alone);
        }
    }

    [Theory]
    [InlineData(ModelFamily.Lenet300100)]
    [InlineData(ModelFamily.Conv4)]
    public void Pruned_weights_of_every_member_stay_exactly_zero(ModelFamily family)
    {
        var members = new[] { Member(0, 0.5, family), Member(1, 0.2, family) };

        var stacked = Stacked(members, SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01), family: family);

        for (var k = 0; k < members.Length; k++)
            foreach (var (name, mask) in members[k].Mask.Layers)
            {
                var values = TensorAssert.Values(stacked[k][name]);
                Assert.All(TensorAssert.Values(mask).Zip(values).Where(p => p.First == 0f),
                    p => Assert.True(p.Second == 0f));
            }
    }

    /// <summary>LeNet's member at place 0 keeps its bits even across K; a grouped convolution's blocking may follow
    /// K, so convolutions are held to what the engine promises: the same bits at a fixed K and place, whoever else
    /// fills the stack (other members, or the padding copies of a stack with one member).</summary>
    [Theory]
    [InlineData(ModelFamily.Lenet300100, null)]
    [InlineData(ModelFamily.Conv2, 4)]
    [InlineData(ModelFamily.Conv6, 4)]
    public void A_members_bits_do_not_depend_on_its_companions(ModelFamily family, int? width)
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);
        var member = Member(0, 0.5, family);

        var withOne = Stacked([member, Member(1, 0.2, family)], recipe, width, family);
        var withThree = Stacked([member, Member(2, 0, family), Member(3, 0.5, family), Member(4, 0.2, family)],
            recipe, width, family);
        var alone = Stacked([member], recipe, width ?? 1, family);

        TensorAssert.BitwiseEqual(withOne[0], withThree[0]);
        TensorAssert.BitwiseEqual(withOne[0], alone[0]);
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

    [Theory]
    [InlineData(ModelFamily.Lenet300100)]
    [InlineData(ModelFamily.Conv2)]
    public void A_diverged_member_fails_alone_and_its_companions_train_on_bit_for_bit(ModelFamily family)
    {
        var recipe = SyntheticSpec.Recipe(OptimizerKind.Adam, 0.01);
        var healthy = Member(0, 0.5, family);
        var poisoned = Member(1, 0.2, family);
        var nan = poisoned.StartWeights.ToDictionary(p => p.Key, p => p.Value * float.NaN);
        owned.Add(new DisposableWeights(nan));
        var reference = Stacked([healthy, poisoned], recipe, family: family);

        using var network = Network(family);
        using var session = new StackedSession(network, DataFor(family), recipe,
            [healthy, poisoned with { StartWeights = nan }]);
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
