using System.Globalization;
using Akka.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>Reads <c>lottery.search</c> into a validated <see cref="SearchSpec"/>; each bad value names its key.</summary>
public static class SearchSpecReader
{
    public static SearchSpec Read(Config config)
    {
        var c = new SettingsSection(config, SpecValidator.Root);
        var family = c.Enum<ModelFamily>("model.family");
        var spec = new SearchSpec(
            Name: c.Text("name"),
            Dataset: new DatasetSpec(
                c.Enum<DatasetName>("dataset.name"),
                c.Text("dataset.path"),
                c.Int("dataset.validation-size"),
                c.Int("dataset.train-subset"),
                c.Int("dataset.test-subset")),
            Model: new ModelSpec(
                family,
                DoubleList(c, "model.widths"),
                c.Enum<InitScheme>("model.init")),
            TicketsPerWidth: c.Int("tickets-per-width"),
            Training: new TrainingRecipe(
                c.Enum<OptimizerKind>("training.optimizer"),
                c.Double("training.lr"),
                c.Double("training.momentum"),
                c.Double("training.weight-decay"),
                c.Int("training.batch-size"),
                Duration(c, "training.duration"),
                c.Enum<LrSchedule>("training.lr-schedule"),
                Milestones(c),
                c.Double("training.gamma"),
                Duration(c, "training.warmup"),
                Duration(c, "training.eval-interval")),
            Pruning: new PruningSpec(
                c.Text("pruning.strategy"),
                c.Double("pruning.rate"),
                c.Double("pruning.output-rate"),
                c.Int("pruning.rounds"),
                Duration(c, "pruning.rewind"),
                // LeNet has no convolutions: leaving the rate out keeps its spec, and so its search id, as it was.
                family == ModelFamily.Lenet300100 ? null : c.Double("pruning.conv-rate")),
            Controls: new ControlsSpec(c.Bool("controls.random-reinit"), c.Bool("controls.random-mask")),
            Seeds: new SeedSpec(c.Long("seeds.init"), c.Long("seeds.data-order"), c.Long("seeds.controls")),
            // The defaults (one init, no converged baseline, per-ticket data orders) are left out of the spec, so older
            // search ids hold.
            InitsPerWidth: c.Int("inits-per-width") is var inits && inits == 1 ? null : inits,
            Baseline: c.Int("baseline.dense-epochs") is var epochs && epochs == 0
                ? null
                : new DenseBaselineSpec(epochs, c.Int("baseline.patience")),
            DataOrder: c.Enum<DataOrderDraw>("seeds.data-order-draw") is var draw && draw == DataOrderDraw.PerTicket
                ? null
                : draw);
        return SpecValidator.Validate(spec);
    }

    private static IReadOnlyList<double> DoubleList(SettingsSection c, string key)
    {
        if (!IsList(c, key))
            throw new SpecException(c.Key(key),
                $"is '{c.Text(key)}', not a list; allowed: a list of numbers such as [0.5, 1, 2]");
        return Strings(c, key).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new SpecException(c.Key(key), $"contains '{s}'; allowed: numbers")).ToList();
    }

    /// <summary>Akka's HOCON does not report an empty list as an array, but it does hold one among the value's parts.</summary>
    private static bool IsList(SettingsSection c, string key) =>
        c.Config.GetValue(key) is { } v
        && (v.IsArray() || v.Values.Any(part => part is Akka.Configuration.Hocon.HoconArray));

    /// <summary>The list's elements as text; a list or object inside the list is refused, not flattened.</summary>
    private static IEnumerable<string> Strings(SettingsSection c, string key) =>
        c.Config.GetValue(key).GetArray().Select(element => element.IsArray() || element.IsObject()
            ? throw new SpecException(c.Key(key), "contains a list or an object; allowed: single values")
            : element.GetString() ?? "");

    private static IReadOnlyList<Training.Spec.Duration> Milestones(SettingsSection c)
    {
        const string key = "training.milestones";
        if (!IsList(c, key))
            throw new SpecException(c.Key(key),
                $"is '{c.Text(key)}', not a list; allowed: a list of durations such as [\"10ep\", \"15ep\"]");
        return Strings(c, key).Select(m => Parse(c, m, key)).ToList();
    }

    private static Training.Spec.Duration Duration(SettingsSection c, string key) => Parse(c, c.Text(key), key);

    private static Training.Spec.Duration Parse(SettingsSection c, string text, string key) =>
        Training.Spec.Duration.TryParse(text, out var d)
            ? d
            : throw new SpecException(c.Key(key), $"is '{text}'; allowed: a duration such as \"20ep\" or \"500it\"");
}
