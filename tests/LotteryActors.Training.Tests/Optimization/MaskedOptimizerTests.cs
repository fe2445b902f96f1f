using LotteryActors.Training.Optimization;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Optimization;

/// <summary>
/// The masked optimizer against TorchSharp's own optimizers driven the way the trainer used to drive them (mask the
/// gradient, step, mask the weight), on random tensors whose sizes are not multiples of any vector width.
/// </summary>
public sealed class MaskedOptimizerTests
{
    private const int Steps = 7;
    private const double WeightDecay = 1e-3;
    private static readonly long[][] Shapes = [[37, 23], [23], [5, 3, 3, 3]];

    public MaskedOptimizerTests() => set_num_threads(1);

    /// <summary>Parameters, masks (a third pruned; none for the bias) and per-step gradients, from one seed.</summary>
    private sealed class Problem : IDisposable
    {
        public Problem(long seed)
        {
            using var generator = new Generator((ulong)seed);
            Start = Shapes.Select(s => randn(s, generator: generator)).ToArray();
            Masks = Shapes
                .Select(s => s.Length == 1 ? null : rand(s, generator: generator).ge(1.0 / 3).to(ScalarType.Float32))
                .ToArray();
            Gradients = Enumerable.Range(0, Steps)
                .Select(_ => Shapes.Select(s => randn(s, generator: generator)).ToArray()).ToArray();
            for (var i = 0; i < Start.Length; i++)
                if (Masks[i] is { } mask)
                    Mask.ZeroPruned(Start[i], mask);
        }

        public Tensor[] Start { get; }
        public Tensor?[] Masks { get; }
        public Tensor[][] Gradients { get; }

        public Parameter[] FreshParameters() => Start.Select(t => new Parameter(t.clone())).ToArray();

        /// <summary>Gives every parameter the gradient of step <paramref name="step"/> through autograd.</summary>
        public void Backward(Parameter[] parameters, int step)
        {
            using var scope = NewDisposeScope();
            parameters.Zip(Gradients[step]).Select(p => (p.First * p.Second).sum()).Aggregate((a, b) => a + b)
                .backward();
        }

        public void Dispose()
        {
            foreach (var t in Start.Concat(Masks.OfType<Tensor>()).Concat(Gradients.SelectMany(g => g)))
                t.Dispose();
        }
    }

    private static double LearningRate(int step) => 0.01 * (1 + step % 3);

    private static Tensor[] Reference(Problem problem, OptimizerKind kind)
    {
        var parameters = problem.FreshParameters();
        using var optimizer = kind == OptimizerKind.Adam
            ? (optim.Optimizer)optim.Adam(parameters, weight_decay: WeightDecay)
            : optim.SGD(parameters, 0.01, 0.9, weight_decay: WeightDecay);
        for (var step = 0; step < Steps; step++)
        {
            optimizer.zero_grad();
            problem.Backward(parameters, step);
            using (no_grad())
            {
                foreach (var (p, mask) in parameters.Zip(problem.Masks).Where(p => p.Second is not null))
                    p.grad!.mul_(mask!);
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = LearningRate(step);
                optimizer.step();
                foreach (var (p, mask) in parameters.Zip(problem.Masks).Where(p => p.Second is not null))
                    p.mul_(mask!);
            }
        }
        return parameters;
    }

    private static Tensor[] Masked(Problem problem, OptimizerKind kind, bool fuseOnCpu,
        LaneWidth width = LaneWidth.Widest)
    {
        var parameters = problem.FreshParameters();
        using var optimizer = new MaskedOptimizer(parameters.Zip(problem.Masks, (p, m) => new MaskedParameter(p, m)),
            kind, momentum: 0.9, WeightDecay, fuseOnCpu, width);
        Assert.Equal(fuseOnCpu, optimizer.IsFused);
        for (var step = 0; step < Steps; step++)
        {
            problem.Backward(parameters, step);
            optimizer.Step(LearningRate(step));
            Assert.All(parameters, p => Assert.Equal(0.0, p.grad!.abs().sum().item<float>()));
        }
        return parameters;
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, true)]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.Sgd, false)]
    public void Matches_TorchSharps_optimizer_with_masked_gradients_to_float_tolerance(
        OptimizerKind kind, bool fuseOnCpu)
    {
        using var problem = new Problem(seed: 5);

        var expected = Reference(problem, kind);
        var actual = Masked(problem, kind, fuseOnCpu);

        foreach (var (e, a) in expected.Zip(actual))
        {
            var moved = (e - problem.Start[Array.IndexOf(expected, e)]).abs().max().item<float>();
            Assert.True(moved > 1e-3, "the parameters should have moved");
            Assert.True(a.allclose(e, rtol: 1e-5, atol: 1e-6),
                $"largest difference {(a - e).abs().max().item<float>()} for shape [{string.Join(",", e.shape)}]");
        }
    }

    /// <summary>
    /// What a stacked session relies on: one optimizer over parameters stacked along a leading K (a convolution's
    /// kernels [K, 5, 3, 3, 3] among them), each member with its own mask, gradients and moments, leaves every member
    /// with the bits K optimizers of its own would, since every update is element by element.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.Adam, true)]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.Sgd, false)]
    public void A_stacked_step_gives_every_member_the_bits_of_its_own_steps(OptimizerKind kind, bool fuseOnCpu)
    {
        var members = new[] { 21L, 22, 23 }.Select(seed => new Problem(seed)).ToArray();
        try
        {
            // Everything below, the slices compared and the members' own runs too, is freed here.
            using var tensors = NewDisposeScope();
            var parameters = Enumerable.Range(0, Shapes.Length)
                .Select(i => new Parameter(stack(members.Select(m => m.Start[i])))).ToArray();
            var masks = Enumerable.Range(0, Shapes.Length)
                .Select(i => members[0].Masks[i] is null ? null : stack(members.Select(m => m.Masks[i]!))).ToArray();
            using var optimizer = new MaskedOptimizer(parameters.Zip(masks, (p, m) => new MaskedParameter(p, m)),
                kind, momentum: 0.9, WeightDecay, fuseOnCpu);
            for (var step = 0; step < Steps; step++)
            {
                using (var scope = NewDisposeScope())
                    parameters.Select((p, i) => (p * stack(members.Select(m => m.Gradients[step][i]))).sum())
                        .Aggregate((a, b) => a + b).backward();
                optimizer.Step(LearningRate(step));
            }

            for (var k = 0; k < members.Length; k++)
            {
                var alone = Masked(members[k], kind, fuseOnCpu);
                Assert.All(alone.Zip(parameters),
                    p => Assert.True(TensorAssert.SameBits(p.First, p.Second[k]), $"member {k} differs"));
            }
        }
        finally
        {
            foreach (var m in members)
                m.Dispose();
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void Pruned_weights_stay_exactly_zero(OptimizerKind kind)
    {
        using var problem = new Problem(seed: 6);

        var trained = Masked(problem, kind, fuseOnCpu: true);

        foreach (var (weight, mask) in trained.Zip(problem.Masks).Where(p => p.Second is not null))
        {
            var values = TensorAssert.Values(weight);
            var keep = TensorAssert.Values(mask!);
            Assert.Contains(0f, keep);
            Assert.All(values.Zip(keep).Where(p => p.Second == 0f), p => Assert.True(p.First == 0f, $"{p.First}"));
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, true)]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.Sgd, false)]
    public void Pruned_weights_are_positive_zero_and_their_moments_stay_zero(OptimizerKind kind, bool fuseOnCpu)
    {
        using var problem = new Problem(seed: 8);
        var parameters = problem.FreshParameters();
        // The optimizer reads the masks it was given at every step; these copies are unpruned below.
        var masks = problem.Masks.Select(m => m?.clone()).ToArray();
        using var optimizer = new MaskedOptimizer(parameters.Zip(masks, (p, m) => new MaskedParameter(p, m)),
            kind, momentum: 0.9, WeightDecay, fuseOnCpu);
        for (var step = 0; step < Steps; step++)
        {
            problem.Backward(parameters, step);
            optimizer.Step(LearningRate(step));
        }

        // Bit patterns, not values: -0.0f == 0f, but a -0.0 changes an artifact's bytes and so its hash. Masking the
        // gradient keeps every term of a pruned weight's update +0; an unmasked gradient leaves (-x) * 0 = -0.
        AssertPrunedBitsAreZero(parameters, problem.Masks);

        // Unprune everything and step on a zero gradient: a pruned weight (0, so no weight decay either) can move
        // only if the moments it carried while pruned are not zero.
        foreach (var mask in masks.OfType<Tensor>())
            mask.fill_(1);
        using (var scope = NewDisposeScope())
            parameters.Select(p => (p * 0).sum()).Aggregate((a, b) => a + b).backward();
        optimizer.Step(0.01);

        AssertPrunedBitsAreZero(parameters, problem.Masks);
    }

    private static void AssertPrunedBitsAreZero(Parameter[] parameters, Tensor?[] masks)
    {
        foreach (var (weight, mask) in parameters.Zip(masks).Where(p => p.Second is not null))
        {
            var pruned = TensorAssert.Values(weight).Zip(TensorAssert.Values(mask!))
                .Where(p => p.Second == 0f).Select(p => BitConverter.SingleToInt32Bits(p.First)).ToList();
            Assert.NotEmpty(pruned);
            Assert.All(pruned, bits => Assert.Equal(0, bits));
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void The_fused_step_is_bitwise_deterministic(OptimizerKind kind)
    {
        using var problem = new Problem(seed: 7);

        var first = Masked(problem, kind, fuseOnCpu: true);
        var second = Masked(problem, kind, fuseOnCpu: true);

        Assert.All(first.Zip(second), p => Assert.True(TensorAssert.SameBits(p.First, p.Second)));
    }

    /// <summary>Each element takes the same float operations at every vector width, so a machine with AVX-512 and
    /// one without train to the same bits; 512-bit vectors run (emulated) where the processor lacks them.</summary>
    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void Every_vector_width_gives_the_same_bits(OptimizerKind kind)
    {
        using var problem = new Problem(seed: 9);

        var widths = new[] { LaneWidth.Bits128, LaneWidth.Bits256, LaneWidth.Bits512 }
            .Select(width => Masked(problem, kind, fuseOnCpu: true, width)).ToList();

        Assert.All(widths.Skip(1), other =>
            Assert.All(widths[0].Zip(other), p => Assert.True(TensorAssert.SameBits(p.First, p.Second))));
    }
}
