using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;

namespace LotteryActors.Training.Tests.Spec;

public sealed class CanonicalSpecTests
{
    private static readonly Dictionary<string, Func<SearchSpec, SearchSpec>> ScientificChanges = new()
    {
        ["pruning rate"] = s => s with { Pruning = s.Pruning with { Rate = 0.21 } },
        ["output rate"] = s => s with { Pruning = s.Pruning with { OutputRate = 0.1 } },
        ["conv rate"] = s => s with { Pruning = s.Pruning with { ConvRate = 0.1 } },
        ["pruning strategy"] = s => s with { Pruning = s.Pruning with { Strategy = "global" } },
        ["rounds"] = s => s with { Pruning = s.Pruning with { Rounds = 3 } },
        ["rewind"] = s => s with { Pruning = s.Pruning with { Rewind = new Duration(5, DurationUnit.Iterations) } },
        ["init seed"] = s => s with { Seeds = s.Seeds with { Init = 2 } },
        ["data order seed"] = s => s with { Seeds = s.Seeds with { DataOrder = 3 } },
        ["controls seed"] = s => s with { Seeds = s.Seeds with { Controls = 4 } },
        ["dataset"] = s => s with { Dataset = s.Dataset with { Name = DatasetName.FashionMnist } },
        ["validation size"] = s => s with { Dataset = s.Dataset with { ValidationSize = 41 } },
        ["train subset"] = s => s with { Dataset = s.Dataset with { TrainSubset = 100 } },
        ["model family"] = s => s with { Model = s.Model with { Family = ModelFamily.Conv2 } },
        ["widths"] = s => s with { Model = s.Model with { Widths = [0.25, 0.5] } },
        ["init scheme"] = s => s with { Model = s.Model with { Init = InitScheme.KaimingNormal } },
        ["tickets per width"] = s => s with { TicketsPerWidth = 2 },
        ["learning rate"] = s => s with { Training = s.Training with { LearningRate = 0.051 } },
        ["optimizer"] = s => s with { Training = s.Training with { Optimizer = OptimizerKind.Adam } },
        ["duration unit"] = s => s with { Training = s.Training with { Duration = new Duration(3, DurationUnit.Iterations) } },
        ["milestones"] = s => s with
        {
            Training = s.Training with { LrSchedule = LrSchedule.Step, Milestones = [new Duration(2, DurationUnit.Epochs)] },
        },
        ["random reinit control"] = s => s with { Controls = s.Controls with { RandomReinit = false } },
        ["data order per run"] = s => s with { DataOrder = DataOrderDraw.PerRun },
    };

    public static TheoryData<string> ChangeNames => new(ScientificChanges.Keys);

    [Fact]
    public void Hash_is_stable_across_equal_specs()
    {
        var hash = CanonicalSpec.Hash(SyntheticSpec.Search());

        Assert.Equal(hash, CanonicalSpec.Hash(SyntheticSpec.Search()));
        Assert.Matches("^[0-9a-f]{16}$", hash);
    }

    [Fact]
    public void SearchId_is_the_hash()
    {
        var spec = SyntheticSpec.Search();

        Assert.Equal(CanonicalSpec.Hash(spec), spec.SearchId);
    }

    [Fact]
    public void Renaming_or_moving_the_data_keeps_the_hash()
    {
        var spec = SyntheticSpec.Search();
        var moved = spec with { Name = "renamed", Dataset = spec.Dataset with { Path = "/elsewhere/mnist" } };

        Assert.Equal(CanonicalSpec.Hash(spec), CanonicalSpec.Hash(moved));
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public void Any_scientific_change_changes_the_hash(string change)
    {
        var spec = SyntheticSpec.Search();

        Assert.NotEqual(CanonicalSpec.Hash(spec), CanonicalSpec.Hash(ScientificChanges[change](spec)));
    }

    [Fact]
    public void JSON_round_trip_gives_an_equal_spec()
    {
        var spec = SyntheticSpec.Search() with
        {
            Model = SyntheticSpec.Search().Model with { Widths = [0.5, 1, 2] },
            Training = SyntheticSpec.Recipe() with
            {
                LrSchedule = LrSchedule.Step,
                Milestones = [new Duration(2, DurationUnit.Epochs), new Duration(700, DurationUnit.Iterations)],
            },
            Pruning = SyntheticSpec.Search().Pruning with { Rewind = new Duration(5, DurationUnit.Iterations) },
        };
        var json = CanonicalSpec.ToJson(spec);

        var back = CanonicalSpec.FromJson(json);

        Assert.Equal(json, CanonicalSpec.ToJson(back));
        Assert.Equal(spec.Name, back.Name);
        Assert.Equal(spec.Dataset, back.Dataset);
        Assert.Equal([0.5, 1, 2], back.Model.Widths);
        Assert.Equal(spec.Training.Milestones, back.Training.Milestones);
        Assert.Equal(spec.Pruning, back.Pruning);
        Assert.Equal(spec.Seeds, back.Seeds);
        Assert.Equal(spec.SearchId, back.SearchId);
    }

    [Fact]
    public void JSON_spells_enums_as_the_spec_does()
    {
        var json = CanonicalSpec.ToJson(SyntheticSpec.Search() with
        {
            Dataset = SyntheticSpec.Search().Dataset with { Name = DatasetName.Cifar10 },
        });

        Assert.Contains("\"cifar-10\"", json);
        Assert.Contains("\"lenet-300-100\"", json);
        Assert.Contains("\"layer-wise\"", json);
        Assert.Contains("\"glorot-normal\"", json);
        Assert.DoesNotContain("SearchId", json);
    }

    [Fact]
    public void Per_ticket_data_orders_are_left_out_of_the_canonical_JSON_so_older_ids_hold()
    {
        var spec = SyntheticSpec.Search();
        var perRun = spec with { DataOrder = DataOrderDraw.PerRun };

        using var json = System.Text.Json.JsonDocument.Parse(CanonicalSpec.ToJson(spec));
        Assert.False(json.RootElement.TryGetProperty(nameof(SearchSpec.DataOrder), out _));
        Assert.Contains("\"DataOrder\":\"per-run\"", CanonicalSpec.ToJson(perRun));
        Assert.Equal(DataOrderDraw.PerRun, CanonicalSpec.FromJson(CanonicalSpec.ToJson(perRun)).DataOrder);
    }

    [Fact]
    public void FromJson_refuses_null()
    {
        Assert.Throws<InvalidDataException>(() => CanonicalSpec.FromJson("null"));
    }
}
