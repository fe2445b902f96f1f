using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
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
/// Pruned weights stay exactly zero: their gradients are masked before every step (so SGD momentum and Adam
/// moments for them stay zero) and the weights are masked again after it.
/// Create, step and dispose a session on one thread: TorchSharp's dispose scopes are thread-local.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private readonly PrunableNetwork network;
    private readonly DatasetSplits data;
    private readonly Dictionary<Parameter, Tensor> maskByParameter = new(ReferenceEqualityComparer.Instance);
    private readonly optim.Optimizer optimizer;
    private readonly LearningRateSchedule schedule;
    private readonly Generator dataOrder;
    private readonly int batchSize;
    private readonly int iterationsPerEpoch;
    private readonly int evalInterval;
    private readonly int? captureAt;
    private readonly List<EvalPoint> curve = [];
    private Tensor? permutation;
    private double lossSum;
    private int lossCount;
    private double lastTrainLoss = double.NaN;
    private (int Iteration, double Accuracy, double TestAccuracy) best = (-1, double.NegativeInfinity, double.NaN);

    public TrainingSession(PrunableNetwork network, DatasetSplits data, TrainingRecipe recipe, Mask mask,
        IReadOnlyDictionary<string, Tensor> startWeights, long dataOrderSeed, int startIteration, int? captureAt = null)
    {
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
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var (name, layerMask) in mask.Layers)
            {
                var onDevice = layerMask.to(device);
                maskByParameter[parameters[name]] = onDevice;
                parameters[name].mul_(onDevice);
            }
        }
        optimizer = recipe.Optimizer == OptimizerKind.Adam
            ? optim.Adam(network.parameters(), recipe.LearningRate, weight_decay: recipe.WeightDecay)
            : optim.SGD(network.parameters(), recipe.LearningRate, recipe.Momentum, weight_decay: recipe.WeightDecay);
        network.train();

        dataOrder = new Generator((ulong)dataOrderSeed);
        for (var epoch = 0; epoch < startIteration / iterationsPerEpoch; epoch++)
            randperm(data.Train.Count, generator: dataOrder).Dispose();
    }

    public static int IterationsPerEpoch(DatasetSplits data, TrainingRecipe recipe) =>
        (int)Math.Max(1, data.Train.Count / recipe.BatchSize);

    public int Iteration { get; private set; }

    public int TotalIterations { get; }

    public bool IsComplete => Iteration >= TotalIterations;

    /// <summary>The weights at the rewind iteration, captured on the way through it; null until then or if none was asked for.</summary>
    public Dictionary<string, Tensor>? CapturedWeights { get; private set; }

    /// <summary>Trains up to <paramref name="maxIterations"/> more iterations; evaluates at every eval interval passed.</summary>
    public void RunChunk(int maxIterations)
    {
        var stop = (int)Math.Min(TotalIterations, (long)Iteration + maxIterations);
        while (Iteration < stop)
        {
            if (captureAt == Iteration && CapturedWeights is null)
                CapturedWeights = network.CaptureState();
            Step();
            Iteration++;
            if (Iteration % evalInterval == 0 || Iteration == TotalIterations)
                EvaluateValidation();
        }
    }

    /// <summary>Evaluates the final weights and hands them over; the session is spent afterwards.</summary>
    public RoundOutcome Complete()
    {
        if (!IsComplete)
            throw new InvalidOperationException($"session is at iteration {Iteration} of {TotalIterations}");
        var validation = Evaluator.Evaluate(network, data.Validation);
        var test = Evaluator.Evaluate(network, data.Test);
        return new RoundOutcome(TotalIterations, validation.Accuracy, validation.Loss, test.Accuracy, test.Loss,
            best.Iteration, best.Accuracy, best.TestAccuracy, lastTrainLoss, curve.ToList(), network.CaptureState());
    }

    private void Step()
    {
        using var scope = NewDisposeScope();
        var position = Iteration % iterationsPerEpoch;
        if (position == 0 || permutation is null)
        {
            permutation?.Dispose();
            permutation = randperm(data.Train.Count, generator: dataOrder).MoveToOuterDisposeScope();
            scope.Detach(permutation);
        }
        var indices = permutation.narrow(0, (long)position * batchSize, batchSize).to(data.Train.Images.device);
        var images = data.Train.Images.index_select(0, indices);
        var labels = data.Train.Labels.index_select(0, indices);

        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = schedule.At(Iteration);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(network.forward(images), labels);
        var value = loss.item<float>();
        if (!float.IsFinite(value))
            throw new DivergenceException(Iteration, value);
        loss.backward();
        using (no_grad())
        {
            foreach (var (parameter, layerMask) in maskByParameter)
                parameter.grad?.mul_(layerMask);
        }
        optimizer.step();
        using (no_grad())
        {
            foreach (var (parameter, layerMask) in maskByParameter)
                parameter.mul_(layerMask);
        }
        lossSum += value;
        lossCount++;
    }

    private void EvaluateValidation()
    {
        var validation = Evaluator.Evaluate(network, data.Validation);
        curve.Add(new EvalPoint(Iteration, validation.Accuracy, validation.Loss));
        lastTrainLoss = lossCount > 0 ? lossSum / lossCount : double.NaN;
        (lossSum, lossCount) = (0, 0);
        if (validation.Accuracy > best.Accuracy)
            best = (Iteration, validation.Accuracy, Evaluator.Evaluate(network, data.Test).Accuracy);
    }

    public void Dispose()
    {
        permutation?.Dispose();
        dataOrder.Dispose();
        optimizer.Dispose();
        foreach (var m in maskByParameter.Values)
            m.Dispose();
        CapturedWeights?.DisposeAll();
    }
}
