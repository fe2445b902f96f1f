using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Optimization;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LotteryActors.Training.Engines;

/// <summary>One member of a stack: its mask, its start weights (named as the network names them), its data order.
/// </summary>
public sealed record StackedMember(Mask Mask, IReadOnlyDictionary<string, Tensor> StartWeights, long DataOrderSeed);

/// <summary>
/// K fully connected networks of one architecture and recipe trained as one: every layer's weights are a [K, out, in]
/// tensor and each step is one batched matmul per layer, each member with its own batch (its own data order), its
/// own mask and its own Adam moments, sharing only the step count and learning rate, which the recipe fixes anyway.
/// The loss is the sum of the members' mean losses, so each member's gradient is the one it would get alone;
/// results match training alone to float tolerance (batched and plain matmuls add in different orders), and a
/// member's bits depend only on its own inputs and K's kernel choice, never on its companions' values.
/// Small nets on a GPU are launch-bound, and this turns K launches into one. Only multilayer perceptrons (every
/// weight 2-d, ReLU between layers, as LeNet-300-100) stack here; convolutions would need grouped convolutions.
/// Losses are read once per chunk: a non-finite one fails the chunk with <see cref="DivergenceException"/>.
/// </summary>
public sealed class StackedSession : IDisposable
{
    private readonly DatasetSplits data;
    private readonly IReadOnlyList<string> layers;
    private readonly Parameter[] weights;
    private readonly Parameter[] biases;
    private readonly Tensor[] masks;
    private readonly Generator[] dataOrders;
    private readonly MaskedOptimizer optimizer;
    private readonly LearningRateSchedule schedule;
    private readonly Tensor lossSum;
    private readonly int batchSize;
    private readonly int iterationsPerEpoch;
    private Tensor? permutations;

    /// <param name="layers">The layers in forward order, as in <c>fc1</c> for <c>fc1.weight</c> and <c>fc1.bias</c>.
    /// </param>
    public StackedSession(IReadOnlyList<string> layers, DatasetSplits data, TrainingRecipe recipe,
        IReadOnlyList<StackedMember> members)
    {
        if (members.Count == 0)
            throw new ArgumentException("a stack needs at least one member", nameof(members));
        this.data = data;
        this.layers = layers;
        batchSize = recipe.BatchSize;
        iterationsPerEpoch = TrainingSession.IterationsPerEpoch(data, recipe);
        TotalIterations = recipe.Duration.ToIterations(iterationsPerEpoch);
        schedule = new LearningRateSchedule(recipe, iterationsPerEpoch);
        var device = data.Train.Images.device;
        using (no_grad())
        {
            masks = layers.Select(l => Stack(members.Select(m => m.Mask.Layers[$"{l}.weight"]), device)).ToArray();
            weights = layers.Select((l, i) =>
            {
                using var stacked = Stack(members.Select(m => m.StartWeights[$"{l}.weight"]), device);
                return new Parameter(Mask.ZeroPruned(stacked, masks[i]));
            }).ToArray();
            biases = layers.Select(l =>
            {
                using var stacked = Stack(members.Select(m => m.StartWeights[$"{l}.bias"]), device);
                return new Parameter(stacked.clone());
            }).ToArray();
        }
        optimizer = new MaskedOptimizer(
            weights.Zip(masks, (w, m) => new MaskedParameter(w, m))
                .Concat(biases.Select(b => new MaskedParameter(b, null))),
            recipe.Optimizer, recipe.Momentum, recipe.WeightDecay);
        dataOrders = members.Select(m => new Generator((ulong)m.DataOrderSeed)).ToArray();
        lossSum = zeros(members.Count, device: device);
    }

    public int Members => dataOrders.Length;

    public int Iteration { get; private set; }

    public int TotalIterations { get; }

    public bool IsComplete => Iteration >= TotalIterations;

    public void RunChunk(int maxIterations)
    {
        var stop = (int)Math.Min(TotalIterations, (long)Iteration + maxIterations);
        while (Iteration < stop)
        {
            Step();
            Iteration++;
        }
        using var read = lossSum.cpu().data<float>();
        foreach (var sum in read.ToArray().Where(s => !float.IsFinite(s)))
            throw new DivergenceException(Iteration, sum);
    }

    /// <summary>The layers of a network that can be stacked here; refuses anything but a multilayer perceptron.
    /// </summary>
    public static IReadOnlyList<string> LayersOf(PrunableNetwork network)
    {
        if (network is not LeNet300100)
            throw new NotSupportedException($"only fully connected networks stack; {network.GetName()} does not");
        return network.PrunableWeights.Select(n => n[..^".weight".Length]).ToList();
    }

    /// <summary>Each member's weights on the CPU, named as its own network names them; owned by the caller.</summary>
    public IReadOnlyList<Dictionary<string, Tensor>> MemberWeights()
    {
        using var _ = no_grad();
        return Enumerable.Range(0, Members).Select(k => layers
            .SelectMany((l, i) => new[]
            {
                ($"{l}.weight", weights[i][k].cpu().clone()),
                ($"{l}.bias", biases[i][k].cpu().clone()),
            })
            .ToDictionary(p => p.Item1, p => p.Item2)).ToList();
    }

    private void Step()
    {
        using var scope = NewDisposeScope();
        var position = Iteration % iterationsPerEpoch;
        if (position == 0 || permutations is null)
        {
            permutations?.Dispose();
            using var orders = stack(dataOrders.Select(g => randperm(data.Train.Count, generator: g)));
            permutations = orders.to(data.Train.Images.device).DetachFromDisposeScope();
        }
        var indices = permutations.narrow(1, (long)position * batchSize, batchSize).reshape(-1);
        var images = data.Train.Images.index_select(0, indices).reshape(Members, batchSize, -1);
        var labels = data.Train.Labels.index_select(0, indices);

        var activation = images;
        for (var i = 0; i < layers.Count; i++)
        {
            activation = bmm(activation, weights[i].transpose(1, 2)).add_(biases[i].unsqueeze(1));
            if (i < layers.Count - 1)
                activation = nn.functional.relu(activation);
        }
        var losses = nn.functional.cross_entropy(activation.reshape(-1, activation.shape[2]), labels,
            reduction: nn.Reduction.None).reshape(Members, batchSize).mean([1]);
        losses.sum().backward();
        optimizer.Step(schedule.At(Iteration));
        using (no_grad())
            lossSum.add_(losses.detach());
    }

    private static Tensor Stack(IEnumerable<Tensor> members, Device device)
    {
        using var scope = NewDisposeScope();
        return stack(members.Select(t => t.to(device))).contiguous().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        permutations?.Dispose();
        lossSum.Dispose();
        foreach (var t in weights.Concat<Tensor>(biases).Concat(masks))
            t.Dispose();
        foreach (var g in dataOrders)
            g.Dispose();
    }
}
