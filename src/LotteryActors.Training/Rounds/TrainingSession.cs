using System.Diagnostics;
using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Optimization;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LotteryActors.Training.Rounds;

/// <summary>
/// One masked training run, steppable in chunks so an actor can interleave other messages between them.
/// Everything random comes from the data-order seed, so a session started twice from the same inputs yields
/// bitwise-identical weights on the CPU with one libtorch thread.
/// Pruned weights stay exactly zero: the optimizer masks their gradients (so SGD momentum and Adam moments for them
/// stay zero) and the weights in the same pass as the update.
/// The loss is never read back per step: each step's loss goes into a buffer on the device, read once per
/// <see cref="LossWindow"/> steps, at every evaluation and at the end of every chunk, so a GPU is not stalled
/// every step and a NaN still fails the run (<see cref="DivergenceException"/> names the first bad iteration) before
/// the chunk returns.
/// With a patience (the converged dense baseline), training stops once validation accuracy has not improved for
/// that many evaluations, and the outcome is the network at its best validation point, not its last.
/// Create, step and dispose a session on one thread: TorchSharp's dispose scopes are thread-local.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private readonly PrunableNetwork network;
    private readonly DatasetSplits data;
    /// <summary>Steps between reads of the loss buffer: a late read costs at most this many wasted steps.</summary>
    public const int LossWindow = 100;

    private readonly List<Tensor> masks = [];
    private readonly MaskedOptimizer optimizer;
    private readonly Tensor losses;
    private int pendingLosses;
    private long optimizerTicks;
    private readonly LearningRateSchedule schedule;
    private readonly Generator dataOrder;
    private readonly int batchSize;
    private readonly int iterationsPerEpoch;
    private readonly int evalInterval;
    private readonly int? captureAt;
    private readonly int? patience;
    private int evaluationsSinceBest;
    private Dictionary<string, Tensor>? bestWeights;
    private Tensor? permutation;
    private readonly RunRecord record = new();

    public TrainingSession(PrunableNetwork network, DatasetSplits data, TrainingRecipe recipe, Mask mask,
        IReadOnlyDictionary<string, Tensor> startWeights, long dataOrderSeed, int startIteration, int? captureAt = null,
        int? patience = null)
    {
        if (patience is < 1)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be at least one evaluation");
        this.patience = patience;
        this.network = network;
        this.data = data;
        batchSize = recipe.BatchSize;
        iterationsPerEpoch = IterationsPerEpoch(data, recipe);
        TotalIterations = recipe.Duration.ToIterations(iterationsPerEpoch);
        if (startIteration >= TotalIterations)
            throw new ArgumentOutOfRangeException(nameof(startIteration), startIteration,
                $"rewind point must come before the end of training ({TotalIterations} iterations)");
        evalInterval = Math.Max(1, recipe.EvalInterval.ToIterations(iterationsPerEpoch));
        Iteration = startIteration;
        this.captureAt = captureAt;
        schedule = new LearningRateSchedule(recipe, iterationsPerEpoch);

        network.LoadState(startWeights);
        var device = network.parameters().First().device;
        var masked = new List<MaskedParameter>();
        using (no_grad())
        {
            foreach (var (name, parameter) in network.named_parameters())
            {
                Tensor? onDevice = null;
                if (mask.Layers.TryGetValue(name, out var layerMask))
                {
                    onDevice = layerMask.to(device).contiguous();
                    masks.Add(onDevice);
                    Mask.ZeroPruned(parameter, onDevice);
                }
                masked.Add(new MaskedParameter(parameter, onDevice));
            }
        }
        optimizer = new MaskedOptimizer(masked, recipe.Optimizer, recipe.Momentum, recipe.WeightDecay);
        losses = zeros(LossWindow, device: device);
        network.train();

        dataOrder = new Generator((ulong)dataOrderSeed);
        for (var epoch = 0; epoch < startIteration / iterationsPerEpoch; epoch++)
            randperm(data.Train.Count, generator: dataOrder).Dispose();
    }

    public static int IterationsPerEpoch(DatasetSplits data, TrainingRecipe recipe) =>
        (int)Math.Max(1, data.Train.Count / recipe.BatchSize);

    public int Iteration { get; private set; }

    public int TotalIterations { get; }

    public bool IsComplete => Iteration >= TotalIterations || StoppedEarly;

    /// <summary>Whether the patience ran out before the budget did.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>Whether every parameter takes the one-pass update; false on a GPU, where libtorch ops do it.</summary>
    public bool FusedOptimizerStep => optimizer.IsFused;

    /// <summary>Time spent in the optimizer's update since the session started: the bench's measure of what the
    /// update costs within real steps. Meaningful on the CPU, where the update runs synchronously; on a GPU it is the
    /// time to queue its kernels.</summary>
    public TimeSpan OptimizerTime => TimeSpan.FromSeconds(optimizerTicks / (double)Stopwatch.Frequency);

    /// <summary>The weights at the rewind iteration, captured on the way through it; null until then or if none
    /// was asked for.</summary>
    public Dictionary<string, Tensor>? CapturedWeights { get; private set; }

    /// <summary>Trains up to <paramref name="maxIterations"/> more iterations; evaluates at every eval interval
    /// passed.</summary>
    public void RunChunk(int maxIterations)
    {
        var stop = (int)Math.Min(TotalIterations, (long)Iteration + maxIterations);
        while (Iteration < stop && !StoppedEarly)
        {
            if (captureAt == Iteration && CapturedWeights is null)
                CapturedWeights = network.CaptureState();
            Step();
            Iteration++;
            if (pendingLosses == LossWindow)
                ReadLosses();
            if (Iteration % evalInterval == 0 || Iteration == TotalIterations)
                EvaluateValidation();
        }
        ReadLosses();
    }

    /// <summary>
    /// Evaluates the final weights (with a patience: the best validation point's) and hands them over; the session
    /// is spent afterwards. <see cref="RoundOutcome.Iterations"/> counts the iterations actually trained.
    /// </summary>
    public RoundOutcome Complete()
    {
        if (!IsComplete)
            throw new InvalidOperationException($"session is at iteration {Iteration} of {TotalIterations}");
        if (bestWeights is not null)
            network.LoadState(bestWeights);
        return record.Outcome(Iteration, network, data);
    }

    private void Step()
    {
        using var scope = NewDisposeScope();
        var position = Iteration % iterationsPerEpoch;
        if (position == 0 || permutation is null)
        {
            permutation?.Dispose();
            // Drawn on the CPU generator (so the order is the same on every device), moved once per epoch.
            using var order = randperm(data.Train.Count, generator: dataOrder);
            permutation = order.to(data.Train.Images.device).DetachFromDisposeScope();
        }
        var indices = permutation.narrow(0, (long)position * batchSize, batchSize);
        var images = data.Train.Images.index_select(0, indices);
        var labels = data.Train.Labels.index_select(0, indices);

        var loss = nn.functional.cross_entropy(network.forward(images), labels);
        loss.backward();
        var before = Stopwatch.GetTimestamp();
        optimizer.Step(schedule.At(Iteration));
        optimizerTicks += Stopwatch.GetTimestamp() - before;
        using (no_grad())
            losses.narrow(0, pendingLosses, 1).copy_(loss.detach().reshape(1));
        pendingLosses++;
    }

    /// <summary>Reads the losses of the steps since the last read; the first non-finite one fails the run.</summary>
    private void ReadLosses()
    {
        if (pendingLosses == 0)
            return;
        using var scope = NewDisposeScope();
        using var read = losses.narrow(0, 0, pendingLosses).cpu().data<float>();
        var firstIteration = Iteration - pendingLosses;
        pendingLosses = 0;
        record.AddLosses(read.ToArray(), firstIteration);
    }

    private void EvaluateValidation()
    {
        ReadLosses();
        if (record.Evaluate(Iteration, network, data))
        {
            evaluationsSinceBest = 0;
            if (patience is not null)
            {
                bestWeights?.DisposeAll();
                bestWeights = network.CaptureState();
            }
        }
        else if (++evaluationsSinceBest >= patience)
            StoppedEarly = true;
    }

    public void Dispose()
    {
        permutation?.Dispose();
        dataOrder.Dispose();
        optimizer.Dispose();
        losses.Dispose();
        foreach (var m in masks)
            m.Dispose();
        CapturedWeights?.DisposeAll();
        bestWeights?.DisposeAll();
    }
}
