using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Spec;

/// <summary>
/// The checks across settings that used to pass validation and fail hours later: points inside a round past its
/// end, and subsets the dataset cannot fill. The synthetic spec trains (200 - 40) / 20 = 8 iterations per epoch.
/// </summary>
public sealed class RoundAndDatasetChecksTests
{
    private static readonly DatasetSize Synthetic = new(Train: 200, Test: 100);

    private static SearchSpec Spec(Duration round, Duration? rewind = null, Duration[]? milestones = null,
        Duration? warmup = null)
    {
        var spec = SyntheticSpec.Search();
        return spec with
        {
            Training = spec.Training with
            {
                Duration = round,
                LrSchedule = milestones is null ? LrSchedule.Constant : LrSchedule.Step,
                Milestones = milestones ?? [],
                Warmup = warmup ?? Duration.Zero,
            },
            Pruning = spec.Pruning with { Rewind = rewind ?? Duration.Zero },
        };
    }

    private static Duration Ep(int n) => new(n, DurationUnit.Epochs);

    private static Duration It(int n) => new(n, DurationUnit.Iterations);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(3, 30)]
    public void A_rewind_point_at_or_past_the_end_of_a_round_is_refused_without_the_dataset(
        int roundEpochs, int rewindEpochs)
    {
        var spec = Spec(Ep(roundEpochs), rewind: Ep(rewindEpochs));
        var error = Assert.Throws<SpecException>(() => SpecValidator.Validate(spec));
        Assert.Equal("lottery.search.pruning.rewind", error.Key);
        Assert.Contains($"training.duration = {roundEpochs}ep", error.Message);
    }

    [Fact]
    public void A_rewind_point_in_iterations_is_compared_with_a_round_in_epochs_once_the_dataset_is_known()
    {
        var spec = Spec(Ep(3), rewind: It(24));
        SpecValidator.Validate(spec);
        var error = Assert.Throws<SpecException>(() => SpecValidator.ValidateAgainst(spec, Synthetic));
        Assert.Equal("lottery.search.pruning.rewind", error.Key);
        Assert.Contains("(24 iterations of 8 per epoch)", error.Message);
        var early = spec with { Pruning = spec.Pruning with { Rewind = It(23) } };
        Assert.Same(early, SpecValidator.ValidateAgainst(early, Synthetic));
    }

    [Fact]
    public void A_milestone_that_never_applies_is_refused()
    {
        Assert.Throws<SpecException>(() => SpecValidator.Validate(Spec(Ep(3), milestones: [Ep(1), Ep(3)])));
        var mixed = Spec(Ep(3), milestones: [It(8), It(30)]);
        var error = Assert.Throws<SpecException>(() => SpecValidator.ValidateAgainst(mixed, Synthetic));
        Assert.Equal("lottery.search.training.milestones", error.Key);
        Assert.Contains("30it", error.Message);
        SpecValidator.ValidateAgainst(Spec(Ep(3), milestones: [It(8), It(23)]), Synthetic);
    }

    [Fact]
    public void A_warmup_longer_than_a_round_is_refused()
    {
        var spec = Spec(It(10), warmup: Ep(2));
        var error = Assert.Throws<SpecException>(() => SpecValidator.ValidateAgainst(spec, Synthetic));
        Assert.Equal("lottery.search.training.warmup", error.Key);
        SpecValidator.ValidateAgainst(Spec(It(16), warmup: Ep(2)), Synthetic);
    }

    [Theory]
    [InlineData(201, 0, 40, "lottery.search.dataset.train-subset", "has 200 examples")]
    [InlineData(0, 101, 40, "lottery.search.dataset.test-subset", "has 100 examples")]
    [InlineData(0, 0, 200, "lottery.search.dataset.validation-size", "out of the 200 in use")]
    public void Subsets_the_dataset_cannot_fill_are_refused(
        int trainSubset, int testSubset, int validation, string key, string problem)
    {
        var spec = SyntheticSpec.Search();
        spec = spec with
        {
            Dataset = spec.Dataset with
            {
                TrainSubset = trainSubset, TestSubset = testSubset, ValidationSize = validation,
            },
        };
        var error = Assert.Throws<SpecException>(() => SpecValidator.ValidateAgainst(spec, Synthetic));
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_round_of_more_iterations_than_the_trainer_can_count_is_refused()
    {
        var spec = Spec(Ep(int.MaxValue / 2));
        var error = Assert.Throws<SpecException>(() => SpecValidator.ValidateAgainst(spec, Synthetic));
        Assert.Equal("lottery.search.training.duration", error.Key);
    }

    [Fact]
    public void The_dataset_size_is_read_from_the_file_headers_alone()
    {
        using var dir = new TempDirectory();
        var labels = IdxBytes.Gzip(IdxBytes.Labels(new byte[70]));
        File.WriteAllBytes(Path.Combine(dir.Path, "train-labels-idx1-ubyte.gz"), labels);
        File.WriteAllBytes(Path.Combine(dir.Path, "t10k-labels-idx1-ubyte"), IdxBytes.Labels(new byte[30]));
        var spec = SyntheticSpec.Search().Dataset with { Path = dir.Path };
        Assert.Equal(new DatasetSize(70, 30), DatasetLoader.Measure(spec));
    }
}
