using System.Globalization;
using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>Reads <c>lottery.search</c> into a validated <see cref="SearchSpec"/>; each bad value names its key.</summary>
public static class SearchSpecReader
{
    public static SearchSpec Read(Config config)
    {
        var c = config.GetConfig(SpecValidator.Root);
        var spec = new SearchSpec(
            Name: c.GetString("name"),
            Dataset: new DatasetSpec(
                Enum<DatasetName>(c, "dataset.name"),
                c.GetString("dataset.path"),
                Int(c, "dataset.validation-size"),
                Int(c, "dataset.train-subset"),
                Int(c, "dataset.test-subset")),
            Model: new ModelSpec(
                Enum<ModelFamily>(c, "model.family"),
                DoubleList(c, "model.widths"),
                Enum<InitScheme>(c, "model.init")),
            TicketsPerWidth: Int(c, "tickets-per-width"),
            Training: new TrainingRecipe(
                Enum<OptimizerKind>(c, "training.optimizer"),
                Double(c, "training.lr"),
                Double(c, "training.momentum"),
                Double(c, "training.weight-decay"),
                Int(c, "training.batch-size"),
                Duration(c, "training.duration"),
                Enum<LrSchedule>(c, "training.lr-schedule"),
                Milestones(c),
                Double(c, "training.gamma"),
                Duration(c, "training.warmup"),
                Duration(c, "training.eval-interval")),
            Pruning: new PruningSpec(
                Enum<PruningStrategy>(c, "pruning.strategy"),
                Double(c, "pruning.rate"),
                Double(c, "pruning.output-rate"),
                Int(c, "pruning.rounds"),
                Duration(c, "pruning.rewind")),
            Controls: new ControlsSpec(Bool(c, "controls.random-reinit"), Bool(c, "controls.random-mask")),
            Seeds: new SeedSpec(Long(c, "seeds.init"), Long(c, "seeds.data-order"), Long(c, "seeds.controls")));
        return SpecValidator.Validate(spec);
    }

    private static string Key(string key) => $"{SpecValidator.Root}.{key}";

    private static string Text(Config c, string key) => c.GetString(key)?.Trim() ?? "";

    private static T Enum<T>(Config c, string key) where T : struct, System.Enum =>
        SpecNames.TryParse<T>(Text(c, key), out var value)
            ? value
            : throw new SpecException(Key(key), $"is '{Text(c, key)}'; allowed: {string.Join(", ", SpecNames.All<T>())}");

    private static int Int(Config c, string key) =>
        int.TryParse(Text(c, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(c, key)}'; allowed: a whole number");

    private static long Long(Config c, string key) =>
        long.TryParse(Text(c, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(c, key)}'; allowed: a whole number");

    private static double Double(Config c, string key) =>
        double.TryParse(Text(c, key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new SpecException(Key(key), $"is '{Text(c, key)}'; allowed: a number");

    private static bool Bool(Config c, string key) => Text(c, key) switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        var other => throw new SpecException(Key(key), $"is '{other}'; allowed: true, false"),
    };

    private static IReadOnlyList<double> DoubleList(Config c, string key)
    {
        if (!IsList(c, key))
            throw new SpecException(Key(key), $"is '{Text(c, key)}', not a list; allowed: a list of numbers such as [0.5, 1, 2]");
        return c.GetStringList(key).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new SpecException(Key(key), $"contains '{s}'; allowed: numbers")).ToList();
    }

    /// <summary>Akka's HOCON does not report an empty list as an array, but it does hold one among the value's parts.</summary>
    private static bool IsList(Config c, string key) =>
        c.GetValue(key) is { } v && (v.IsArray() || v.Values.Any(part => part is Akka.Configuration.Hocon.HoconArray));

    private static IReadOnlyList<Training.Spec.Duration> Milestones(Config c)
    {
        const string key = "training.milestones";
        if (!IsList(c, key))
            throw new SpecException(Key(key), $"is '{Text(c, key)}', not a list; allowed: a list of durations such as [\"10ep\", \"15ep\"]");
        return c.GetStringList(key).Select(m => Parse(m, key)).ToList();
    }

    private static Training.Spec.Duration Duration(Config c, string key) => Parse(Text(c, key), key);

    private static Training.Spec.Duration Parse(string text, string key) =>
        Training.Spec.Duration.TryParse(text, out var d)
            ? d
            : throw new SpecException(Key(key), $"is '{text}'; allowed: a duration such as \"20ep\" or \"500it\"");
}
