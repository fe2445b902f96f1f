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
/// K networks of one architecture and recipe trained as one: every layer's weights are a [K, out, in, ...] tensor
/// and each step is one batched matmul per fully connected layer and one grouped convolution per convolution
/// (<see cref="StackedForward"/>), each member with its own batch (its own data order), its own mask and its own
/// Adam moments, sharing only the step count and learning rate, which the recipe fixes anyway.
/// The loss is the sum of the members' mean losses, so each member's gradient is the one it would get alone;
/// results match training alone to float tolerance (batched and plain matmuls, grouped and plain convolutions add
/// in different orders), and a member's bits depend on its own inputs, on K and on its place in the stack (the
/// kernels' paths follow a slice's memory alignment), never on its companions' values.
/// Small nets on a GPU are launch-bound, and this turns K launches into one.
/// Per member it does what <see cref="TrainingSession"/> does without a patience: validation every eval interval
/// (through <paramref name="network"/> loaded with the member's weights, so the evaluation is the single run's),
/// the early-stop point with its test accuracy, the rewind capture, and the outcome at the end. A member whose loss
/// stops being finite is failed alone (<see cref="Failure"/>): every operation here is per member (batched matmul,
/// per-row loss, element-wise optimizer), so its NaNs never reach its companions, which train on.
/// <paramref name="width"/> and <paramref name="slots"/> fix K and each member's place in the stack (the places left
/// empty hold copies of the first member, whose results are dropped), so an engine that fixes both from the spec
/// makes a member's bits independent of which companions happen to share its stack.
/// </summary>
public sealed class StackedSession : IDisposable
{
    private readonly PrunableNetwork network;
    private readonly DatasetSplits data;
    private readonly StackedForward forward;
    private readonly IReadOnlyList<string> layers;
    private readonly Parameter[] weights;
    private readonly Parameter[] biases;
    private readonly Tensor[] masks;
    private readonly Generator[] dataOrders;
    private readonly MaskedOptimizer optimizer;
    private readonly LearningRateSchedule schedule;
    private readonly Tensor losses;
    private int pendingLosses;
    private readonly int batchSize;
    private readonly int iterationsPerEpoch;
    private readonly int evalInterval;
    private readonly int? captureAt;
    private readonly MemberRecord[] records;
    private readonly int[] slotOf;
    private Tensor? permutations;

    /// <param name="network">The members' architecture; used to name the layers and to evaluate each member.</param>
    /// <param name="width">The stack's K, at least the member count (default: the member count).</param>
    /// <param name="slots">Each member's distinct place in the stack, below K (default: 0, 1, ... in order).</param>
    public StackedSession(PrunableNetwork network, DatasetSplits data, TrainingRecipe recipe,
        IReadOnlyList<StackedMember> members, int startIteration = 0, int? captureAt = null, int? width = null,
        IReadOnlyList<int>? slots = null)
    {
        if (members.Count == 0)
            throw new ArgumentException("a stack needs at least one member", nameof(members));
        var k = width ?? members.Count;
        slotOf = (slots ?? Enumerable.Range(0, members.Count).ToList()).ToArray();
        if (slotOf.Length != members.Count || slotOf.Distinct().Count() != slotOf.Length
                                           || slotOf.Any(slot => slot < 0 || slot >= k))
            throw new ArgumentException(
                $"{members.Count} members need as many distinct places below K = {k}: {string.Join(", ", slotOf)}",
                nameof(slots));
        this.network = network;
        this.data = data;
        this.captureAt = captureAt;
        forward = new StackedForward(network);
        layers = forward.Layers;
        batchSize = recipe.BatchSize;
        iterationsPerEpoch = TrainingSession.IterationsPerEpoch(data, recipe);
        TotalIterations = recipe.Duration.ToIterations(iterationsPerEpoch);
        if (startIteration >= TotalIterations)
            throw new ArgumentOutOfRangeException(nameof(startIteration), startIteration,
                $"rewind point must come before the end of training ({TotalIterations} iterations)");
        evalInterval = Math.Max(1, recipe.EvalInterval.ToIterations(iterationsPerEpoch));
        Iteration = startIteration;
        schedule = new LearningRateSchedule(recipe, iterationsPerEpoch);
        var stack = Enumerable.Repeat(members[0], k).ToArray();
        for (var i = 0; i < members.Count; i++)
            stack[slotOf[i]] = members[i];
        var device = data.Train.Images.device;
        using (no_grad())
        {
            masks = layers.Select(l => Stack(stack.Select(m => m.Mask.Layers[$"{l}.weight"]), device)).ToArray();
            weights = layers.Select((l, i) =>
            {
                using var stacked = Stack(stack.Select(m => m.StartWeights[$"{l}.weight"]), device);
                return new Parameter(Mask.ZeroPruned(stacked, masks[i]));
            }).ToArray();
            biases = layers.Select(l =>
            {
                using var stacked = Stack(stack.Select(m => m.StartWeights[$"{l}.bias"]), device);
                return new Parameter(stacked.clone());
            }).ToArray();
        }
        optimizer = new MaskedOptimizer(
            weights.Zip(masks, (w, m) => new MaskedParameter(w, m))
                .Concat(biases.Select(b => new MaskedParameter(b, null))),
            recipe.Optimizer, recipe.Momentum, recipe.WeightDecay);
        dataOrders = stack.Select(m => new Generator((ulong)m.DataOrderSeed)).ToArray();
        // As a single run resumed at the rewind point does: the epochs before it drew their orders already.
        foreach (var order in dataOrders)
            for (var epoch = 0; epoch < startIteration / iterationsPerEpoch; epoch++)
                randperm(data.Train.Count, generator: order).Dispose();
        losses = zeros(TrainingSession.LossWindow, k, device: device);
        records = members.Select(_ => new MemberRecord()).ToArray();
    }

    /// <summary>The members asked for, without the copies that pad the stack to its width.</summary>
    public int Members => records.Length;

    public int Iteration { get; private set; }

    public int TotalIterations { get; }

    public bool IsComplete => Iteration >= TotalIterations;

    /// <summary>Trains up to <paramref name="maxIterations"/> more iterations; evaluates every member at every eval
    /// interval passed. Never throws for a diverged member: see <see cref="Failure"/>.</summary>
    public void RunChunk(int maxIterations)
    {
        var stop = (int)Math.Min(TotalIterations, (long)Iteration + maxIterations);
        while (Iteration < stop)
        {
            if (captureAt == Iteration)
                foreach (var (record, k) in records.Select((r, k) => (r, k)).Where(p => p.r.Captured is null))
                    record.Captured = MemberWeights(k);
            Step();
            Iteration++;
            if (pendingLosses == TrainingSession.LossWindow)
                ReadLosses();
            if (Iteration % evalInterval == 0 || Iteration == TotalIterations)
                EvaluateValidation();
        }
        ReadLosses();
    }

    /// <summary>Why member <paramref name="k"/> failed (its loss stopped being finite), or null.</summary>
    public DivergenceException? Failure(int k) => records[k].Failure;

    /// <summary>Member <paramref name="k"/>'s weights at the rewind iteration, or null; owned by the session.</summary>
    public Dictionary<string, Tensor>? CapturedWeights(int k) => records[k].Captured;

    /// <summary>Member <paramref name="k"/>'s outcome, as <see cref="TrainingSession.Complete"/> makes it alone.
    /// </summary>
    public RoundOutcome Complete(int k)
    {
        if (!IsComplete)
            throw new InvalidOperationException($"session is at iteration {Iteration} of {TotalIterations}");
        if (records[k].Failure is { } failure)
            throw new InvalidOperationException($"member {k} failed: {failure.Message}", failure);
        Load(k);
        return records[k].Run.Outcome(Iteration, network, data);
    }

    /// <summary>Each member's weights on the CPU, named as its own network names them; owned by the caller.</summary>
    public IReadOnlyList<Dictionary<string, Tensor>> MemberWeights() =>
        Enumerable.Range(0, Members).Select(MemberWeights).ToList();

    private Dictionary<string, Tensor> MemberWeights(int k)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Views(k).ToDictionary(p => p.Name, p => p.View.cpu().clone().MoveToOuterDisposeScope());
    }

    /// <summary>Copies member <paramref name="k"/>'s weights into the evaluation network.</summary>
    private void Load(int k)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        network.LoadState(Views(k).ToDictionary(p => p.Name, p => p.View));
    }

    /// <summary>Member <paramref name="k"/>'s slices of the stack, named as its own network names its tensors;
    /// views, so they belong to the caller's dispose scope.</summary>
    private IEnumerable<(string Name, Tensor View)> Views(int k) => layers.SelectMany((l, i) => new[]
    {
        ($"{l}.weight", weights[i][slotOf[k]]), ($"{l}.bias", biases[i][slotOf[k]]),
    });

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
        var k = dataOrders.Length;
        var indices = permutations.narrow(1, (long)position * batchSize, batchSize);
        var labels = data.Train.Labels.index_select(0, indices.reshape(-1));
        var logits = forward.Logits(data.Train.Images, indices, weights, biases);
        var memberLosses = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), labels,
            reduction: nn.Reduction.None).reshape(k, batchSize).mean([1]);
        memberLosses.sum().backward();
        optimizer.Step(schedule.At(Iteration));
        using (no_grad())
            losses[pendingLosses].copy_(memberLosses.detach());
        pendingLosses++;
    }

    /// <summary>Reads the losses since the last read into each member's sum, in the single run's order; a member's
    /// first non-finite loss fails that member.</summary>
    private void ReadLosses()
    {
        if (pendingLosses == 0)
            return;
        using var scope = NewDisposeScope();
        var columns = losses.narrow(0, 0, pendingLosses).t().contiguous().cpu();
        var firstIteration = Iteration - pendingLosses;
        pendingLosses = 0;
        foreach (var (r, k) in records.Select((r, k) => (r, k)).Where(p => p.r.Failure is null))
        {
            using var read = columns[slotOf[k]].data<float>();
            try
            {
                r.Run.AddLosses(read.ToArray(), firstIteration);
            }
            catch (DivergenceException diverged)
            {
                // Failed alone: its companions' losses and steps are their own, so they train on.
                r.Failure = diverged;
            }
        }
    }

    private void EvaluateValidation()
    {
        ReadLosses();
        for (var k = 0; k < records.Length; k++)
        {
            var r = records[k];
            if (r.Failure is not null)
                continue;
            Load(k);
            r.Run.Evaluate(Iteration, network, data);
        }
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
        losses.Dispose();
        foreach (var t in weights.Concat<Tensor>(biases).Concat(masks))
            t.Dispose();
        foreach (var g in dataOrders)
            g.Dispose();
        foreach (var r in records)
            r.Captured?.DisposeAll();
    }

    /// <summary>One member's <see cref="RunRecord"/>, as a run alone keeps it, and what only a stack needs besides:
    /// the member's own failure and rewind weights.</summary>
    private sealed class MemberRecord
    {
        public RunRecord Run { get; } = new();
        public DivergenceException? Failure { get; set; }
        public Dictionary<string, Tensor>? Captured { get; set; }
    }
}
