using LotteryActors.Training.Pruning;

namespace LotteryActors.Training.Spec;

/// <summary>
/// Checks the values a parser cannot: ranges and combinations. Fails on the first problem, naming its HOCON key,
/// so a search never starts on a spec that would fail hours later.
/// </summary>
public static class SpecValidator
{
    public const string Root = "lottery.search";

    public static SearchSpec Validate(SearchSpec spec)
    {
        Require(!string.IsNullOrWhiteSpace(spec.Name), "name", "must not be empty");

        var d = spec.Dataset;
        Require(d.ValidationSize >= 1, "dataset.validation-size", $"is {d.ValidationSize}; allowed: 1 or more");
        Require(d.TrainSubset >= 0, "dataset.train-subset", $"is {d.TrainSubset}; allowed: 0 (all) or a positive count");
        Require(d.TestSubset >= 0, "dataset.test-subset", $"is {d.TestSubset}; allowed: 0 (all) or a positive count");
        Require(d.TrainSubset == 0 || d.TrainSubset > d.ValidationSize, "dataset.train-subset",
            $"is {d.TrainSubset}; it must exceed dataset.validation-size ({d.ValidationSize}) so training data remains");

        var m = spec.Model;
        Require(m.Widths.Count >= 1, "model.widths", "is empty; allowed: a list of positive multipliers such as [0.5, 1, 2]");
        foreach (var w in m.Widths)
            Require(w > 0 && w <= 64, "model.widths", $"contains {w}; allowed: multipliers in (0, 64]");
        Require(m.Widths.Distinct().Count() == m.Widths.Count, "model.widths", "contains a width twice");
        Require(spec.TicketsPerWidth is >= 1 and <= 1000, "tickets-per-width", $"is {spec.TicketsPerWidth}; allowed: 1..1000");
        // Data-order seeds step by 1000 per width, so a width's tickets over all its inits must number under 1000.
        Require(spec.InitsPerWidth is null or >= 2 && spec.Inits * spec.TicketsPerWidth <= 1000, "inits-per-width",
            $"is {spec.Inits}; allowed: 1 or more, with inits-per-width x tickets-per-width ({spec.TicketsPerWidth}) at most 1000");
        if (spec.Baseline is { } b)
        {
            Require(b.Epochs >= 1, "baseline.dense-epochs", $"is {b.Epochs}; allowed: 0 (no converged baseline) or more");
            Require(b.Patience >= 1, "baseline.patience", $"is {b.Patience}; allowed: 1 or more evaluations");
        }

        var t = spec.Training;
        Require(t.LearningRate > 0 && double.IsFinite(t.LearningRate), "training.lr", $"is {t.LearningRate}; allowed: a positive number");
        Require(t.Momentum is >= 0 and < 1, "training.momentum", $"is {t.Momentum}; allowed: [0, 1)");
        Require(t.WeightDecay >= 0, "training.weight-decay", $"is {t.WeightDecay}; allowed: 0 or more");
        Require(t.BatchSize is >= 1 and <= 65536, "training.batch-size", $"is {t.BatchSize}; allowed: 1..65536");
        Require(t.Duration.Value >= 1, "training.duration", $"is {t.Duration}; allowed: at least 1it or 1ep");
        Require(t.Gamma is > 0 and <= 1, "training.gamma", $"is {t.Gamma}; allowed: (0, 1]");
        Require(t.EvalInterval.Value >= 1, "training.eval-interval", $"is {t.EvalInterval}; allowed: at least 1it or 1ep");
        Require(t.LrSchedule == LrSchedule.Step || t.Milestones.Count == 0, "training.milestones",
            "are set but training.lr-schedule is constant; allowed: [] or lr-schedule = step");

        var p = spec.Pruning;
        Require(PruningStrategies.Exists(p.Strategy), "pruning.strategy",
            $"is '{p.Strategy}'; allowed: {string.Join(", ", PruningStrategies.Names)}");
        Require(p.Rate is > 0 and < 1, "pruning.rate", $"is {p.Rate}; allowed: (0, 1)");
        Require(p.OutputRate is >= 0 and < 1, "pruning.output-rate", $"is {p.OutputRate}; allowed: [0, 1)");
        Require(p.ConvRate is null or > 0 and < 1, "pruning.conv-rate", $"is {p.ConvRate}; allowed: (0, 1)");
        Require(p.Rounds is >= 0 and <= 100, "pruning.rounds", $"is {p.Rounds}; allowed: 0..100");
        RequireWithinRound(spec, iterationsPerEpoch: null);
        return spec;
    }

    /// <summary>
    /// The checks that need the dataset's size: subsets it can fill, and durations written in epochs against
    /// durations written in iterations (an epoch is (training examples - validation) / batch-size iterations).
    /// </summary>
    public static SearchSpec ValidateAgainst(SearchSpec spec, DatasetSize size)
    {
        var d = spec.Dataset;
        Require(d.TrainSubset <= size.Train, "dataset.train-subset",
            $"is {d.TrainSubset}; the training set in {d.Path} has {size.Train} examples");
        Require(d.TestSubset <= size.Test, "dataset.test-subset",
            $"is {d.TestSubset}; the test set in {d.Path} has {size.Test} examples");
        var train = d.TrainSubset > 0 ? d.TrainSubset : size.Train;
        Require(d.ValidationSize < train, "dataset.validation-size",
            $"is {d.ValidationSize}; it must leave training examples out of the {train} in use");
        var iterationsPerEpoch = Math.Max(1, (train - d.ValidationSize) / spec.Training.BatchSize);
        Require(Iterations(spec.Training.Duration, iterationsPerEpoch) <= int.MaxValue, "training.duration",
            $"is {spec.Training.Duration}, more than {int.MaxValue} iterations of {iterationsPerEpoch} per epoch");
        RequireWithinRound(spec, iterationsPerEpoch);
        return spec;
    }

    /// <summary>
    /// Points inside a round must come before its end: a rewind point at or past it fails every ticket after its
    /// first round, and a milestone past it never applies. Durations in different units are compared only once
    /// <paramref name="iterationsPerEpoch"/> is known.
    /// </summary>
    private static void RequireWithinRound(SearchSpec spec, int? iterationsPerEpoch)
    {
        var round = spec.Training.Duration;
        var end = $"the end of a round, training.duration = {round}" +
                  (iterationsPerEpoch is { } n ? $" ({Iterations(round, n)} iterations of {n} per epoch)" : "");
        Require(Compare(spec.Pruning.Rewind, round, iterationsPerEpoch) is not >= 0, "pruning.rewind",
            $"is {spec.Pruning.Rewind}; it must come before {end}");
        foreach (var milestone in spec.Training.Milestones)
            Require(Compare(milestone, round, iterationsPerEpoch) is not >= 0, "training.milestones",
                $"contain {milestone}, which is not before {end}; it would never apply");
        Require(Compare(spec.Training.Warmup, round, iterationsPerEpoch) is not > 0, "training.warmup",
            $"is {spec.Training.Warmup}; it must not go past {end}");
    }

    /// <summary>Sign of a - b, or null when their units differ and the epoch length is not known yet.</summary>
    private static int? Compare(Duration a, Duration b, int? iterationsPerEpoch) =>
        a.Unit == b.Unit ? a.Value.CompareTo(b.Value)
        : iterationsPerEpoch is { } n ? Iterations(a, n).CompareTo(Iterations(b, n))
        : null;

    /// <summary>In 64 bits: a duration in epochs can exceed the 32-bit iteration counter the trainer uses.</summary>
    private static long Iterations(Duration d, int iterationsPerEpoch) =>
        d.Unit == DurationUnit.Epochs ? (long)d.Value * iterationsPerEpoch : d.Value;

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
            throw new SpecException($"{Root}.{key}", problem);
    }
}
