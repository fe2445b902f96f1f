using System.Text.Json;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Tests.Spec;

public sealed class SpecNamesTests
{
    public static TheoryData<Enum, string> Spellings => new()
    {
        { DatasetName.FashionMnist, "fashion-mnist" },
        { DatasetName.Mnist, "mnist" },
        { DatasetName.Cifar10, "cifar-10" },
        { ModelFamily.Lenet300100, "lenet-300-100" },
        { ModelFamily.Conv2, "conv-2" },
        { ModelFamily.Conv4, "conv-4" },
        { ModelFamily.Conv6, "conv-6" },
        { InitScheme.GlorotNormal, "glorot-normal" },
        { InitScheme.KaimingNormal, "kaiming-normal" },
        { OptimizerKind.Sgd, "sgd" },
        { OptimizerKind.Adam, "adam" },
        { LrSchedule.Constant, "constant" },
        { LrSchedule.Step, "step" },
        { RunKind.RandomReinit, "random-reinit" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Each_value_has_its_kebab_case_name(Enum value, string name)
    {
        Assert.Equal(name, NameOf(value));
    }

    [Theory]
    [MemberData(nameof(Spellings))]
    public void JSON_spells_each_value_as_spec_names_does(Enum value, string name)
    {
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(value, value.GetType(), SpecNames.Json));
    }

    [Fact]
    public void Every_name_of_every_enum_parses_back_to_its_value()
    {
        AssertRoundTrips<DatasetName>();
        AssertRoundTrips<ModelFamily>();
        AssertRoundTrips<InitScheme>();
        AssertRoundTrips<OptimizerKind>();
        AssertRoundTrips<LrSchedule>();
        AssertRoundTrips<DurationUnit>();
        AssertRoundTrips<RunKind>();
    }

    [Fact]
    public void All_lists_every_member_once()
    {
        Assert.Equal(["lenet-300-100", "conv-2", "conv-4", "conv-6"], SpecNames.All<ModelFamily>());
    }

    [Theory]
    [InlineData(" cifar-10 ", DatasetName.Cifar10)]
    [InlineData("fashion-mnist", DatasetName.FashionMnist)]
    public void TryParse_accepts_surrounding_whitespace(string text, DatasetName expected)
    {
        Assert.True(SpecNames.TryParse<DatasetName>(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("Cifar10")]
    [InlineData("cifar10")]
    [InlineData("CIFAR-10")]
    [InlineData("fashion_mnist")]
    [InlineData("")]
    public void TryParse_refuses_other_spellings(string text)
    {
        Assert.False(SpecNames.TryParse<DatasetName>(text, out _));
    }

    private static void AssertRoundTrips<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            Assert.True(SpecNames.TryParse<T>(SpecNames.Of(value), out var parsed), $"{typeof(T).Name}.{value}");
            Assert.Equal(value, parsed);
        }
        Assert.Equal(Enum.GetValues<T>().Length, SpecNames.All<T>().Distinct().Count());
    }

    private static string NameOf(Enum value) =>
        (string)typeof(SpecNames).GetMethod(nameof(SpecNames.Of))!.MakeGenericMethod(value.GetType()).Invoke(null, [value])!;
}
