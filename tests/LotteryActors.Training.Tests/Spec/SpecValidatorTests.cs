using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Spec;

public sealed class SpecValidatorTests
{
    private static readonly Dictionary<string, Func<SearchSpec, SearchSpec>> Breakages = new()
    {
        ["empty name"] = s => s with { Name = " " },
        ["validation size 0"] = s => s with { Dataset = s.Dataset with { ValidationSize = 0 } },
        ["negative train subset"] = s => s with { Dataset = s.Dataset with { TrainSubset = -1 } },
        ["negative test subset"] = s => s with { Dataset = s.Dataset with { TestSubset = -1 } },
        ["train subset no larger than validation"] = s => s with { Dataset = s.Dataset with { TrainSubset = 40 } },
        ["no widths"] = s => s with { Model = s.Model with { Widths = [] } },
        ["width 0"] = s => s with { Model = s.Model with { Widths = [0.0] } },
        ["width above 64"] = s => s with { Model = s.Model with { Widths = [65.0] } },
        ["width twice"] = s => s with { Model = s.Model with { Widths = [1.0, 1.0] } },
        ["no tickets"] = s => s with { TicketsPerWidth = 0 },
        ["1001 tickets"] = s => s with { TicketsPerWidth = 1001 },
        ["no inits"] = s => s with { InitsPerWidth = 0 },
        ["more than 1000 tickets over the inits"] = s => s with { TicketsPerWidth = 501, InitsPerWidth = 2 },
        ["a baseline of no epochs"] = s => s with { Baseline = new DenseBaselineSpec(0, 5) },
        ["a baseline without patience"] = s => s with { Baseline = new DenseBaselineSpec(40, 0) },
        ["lr 0"] = s => s with { Training = s.Training with { LearningRate = 0 } },
        ["lr NaN"] = s => s with { Training = s.Training with { LearningRate = double.NaN } },
        ["lr infinite"] = s => s with { Training = s.Training with { LearningRate = double.PositiveInfinity } },
        ["momentum 1"] = s => s with { Training = s.Training with { Momentum = 1 } },
        ["negative momentum"] = s => s with { Training = s.Training with { Momentum = -0.1 } },
        ["negative weight decay"] = s => s with { Training = s.Training with { WeightDecay = -1e-4 } },
        ["batch size 0"] = s => s with { Training = s.Training with { BatchSize = 0 } },
        ["batch size 65537"] = s => s with { Training = s.Training with { BatchSize = 65537 } },
        ["duration 0it"] = s => s with { Training = s.Training with { Duration = new Duration(0, DurationUnit.Iterations) } },
        ["gamma 0"] = s => s with { Training = s.Training with { Gamma = 0 } },
        ["gamma above 1"] = s => s with { Training = s.Training with { Gamma = 1.5 } },
        ["eval interval 0ep"] = s => s with { Training = s.Training with { EvalInterval = new Duration(0, DurationUnit.Epochs) } },
        ["milestones with constant schedule"] = s => s with
        {
            Training = s.Training with { LrSchedule = LrSchedule.Constant, Milestones = [new Duration(1, DurationUnit.Epochs)] },
        },
        ["unknown strategy"] = s => s with { Pruning = s.Pruning with { Strategy = "random" } },
        ["rate 0"] = s => s with { Pruning = s.Pruning with { Rate = 0 } },
        ["rate 1"] = s => s with { Pruning = s.Pruning with { Rate = 1 } },
        ["negative output rate"] = s => s with { Pruning = s.Pruning with { OutputRate = -0.1 } },
        ["output rate 1"] = s => s with { Pruning = s.Pruning with { OutputRate = 1 } },
        ["conv rate 0"] = s => s with { Pruning = s.Pruning with { ConvRate = 0 } },
        ["conv rate 1"] = s => s with { Pruning = s.Pruning with { ConvRate = 1 } },
        ["negative rounds"] = s => s with { Pruning = s.Pruning with { Rounds = -1 } },
        ["101 rounds"] = s => s with { Pruning = s.Pruning with { Rounds = 101 } },
    };

    public static TheoryData<string, string> Cases => new()
    {
        { "empty name", "lottery.search.name" },
        { "validation size 0", "lottery.search.dataset.validation-size" },
        { "negative train subset", "lottery.search.dataset.train-subset" },
        { "negative test subset", "lottery.search.dataset.test-subset" },
        { "train subset no larger than validation", "lottery.search.dataset.train-subset" },
        { "no widths", "lottery.search.model.widths" },
        { "width 0", "lottery.search.model.widths" },
        { "width above 64", "lottery.search.model.widths" },
        { "width twice", "lottery.search.model.widths" },
        { "no tickets", "lottery.search.tickets-per-width" },
        { "1001 tickets", "lottery.search.tickets-per-width" },
        { "no inits", "lottery.search.inits-per-width" },
        { "more than 1000 tickets over the inits", "lottery.search.inits-per-width" },
        { "a baseline of no epochs", "lottery.search.baseline.dense-epochs" },
        { "a baseline without patience", "lottery.search.baseline.patience" },
        { "lr 0", "lottery.search.training.lr" },
        { "lr NaN", "lottery.search.training.lr" },
        { "lr infinite", "lottery.search.training.lr" },
        { "momentum 1", "lottery.search.training.momentum" },
        { "negative momentum", "lottery.search.training.momentum" },
        { "negative weight decay", "lottery.search.training.weight-decay" },
        { "batch size 0", "lottery.search.training.batch-size" },
        { "batch size 65537", "lottery.search.training.batch-size" },
        { "duration 0it", "lottery.search.training.duration" },
        { "gamma 0", "lottery.search.training.gamma" },
        { "gamma above 1", "lottery.search.training.gamma" },
        { "eval interval 0ep", "lottery.search.training.eval-interval" },
        { "milestones with constant schedule", "lottery.search.training.milestones" },
        { "unknown strategy", "lottery.search.pruning.strategy" },
        { "rate 0", "lottery.search.pruning.rate" },
        { "rate 1", "lottery.search.pruning.rate" },
        { "negative output rate", "lottery.search.pruning.output-rate" },
        { "output rate 1", "lottery.search.pruning.output-rate" },
        { "conv rate 0", "lottery.search.pruning.conv-rate" },
        { "conv rate 1", "lottery.search.pruning.conv-rate" },
        { "negative rounds", "lottery.search.pruning.rounds" },
        { "101 rounds", "lottery.search.pruning.rounds" },
    };

    [Fact]
    public void Every_breakage_has_an_expected_key()
    {
        Assert.Equal(Breakages.Keys.Order(), Cases.Select(c => (string)c[0]).Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rejects_the_bad_value_naming_its_full_HOCON_key(string breakage, string key)
    {
        var spec = Breakages[breakage](SyntheticSpec.Search());

        var error = Assert.Throws<SpecException>(() => SpecValidator.Validate(spec));

        Assert.Equal(key, error.Key);
        Assert.StartsWith($"invalid setting '{key}': ", error.Message);
    }

    [Fact]
    public void Accepts_a_valid_spec_and_returns_it()
    {
        var spec = SyntheticSpec.Search();

        Assert.Same(spec, SpecValidator.Validate(spec));
    }

    [Fact]
    public void Accepts_the_boundary_values()
    {
        var spec = SyntheticSpec.Search() with
        {
            Dataset = SyntheticSpec.Search().Dataset with { TrainSubset = 41, TestSubset = 0 },
            Model = SyntheticSpec.Search().Model with { Widths = [64.0, 0.01] },
            TicketsPerWidth = 1000,
            Training = SyntheticSpec.Recipe() with
            {
                Momentum = 0,
                BatchSize = 65536,
                Gamma = 1,
                LrSchedule = LrSchedule.Step,
                Milestones = [new Duration(1, DurationUnit.Epochs)],
            },
            Pruning = SyntheticSpec.Search().Pruning with { OutputRate = 0, Rounds = 100 },
        };

        Assert.Same(spec, SpecValidator.Validate(spec));
    }
}
