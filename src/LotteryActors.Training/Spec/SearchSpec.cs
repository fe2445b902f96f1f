using System.Text.Json.Serialization;

namespace LotteryActors.Training.Spec;

public enum DatasetName
{
    FashionMnist,
    Mnist,
    [JsonStringEnumMemberName("cifar-10")] Cifar10,
}
public enum ModelFamily
{
    [JsonStringEnumMemberName("lenet-300-100")] Lenet300100,
    [JsonStringEnumMemberName("conv-2")] Conv2,
    [JsonStringEnumMemberName("conv-4")] Conv4,
    [JsonStringEnumMemberName("conv-6")] Conv6,
}
public enum InitScheme { GlorotNormal, KaimingNormal }
public enum OptimizerKind { Sgd, Adam }
public enum LrSchedule { Constant, Step }
public enum PruningStrategy { LayerWise, Global }

/// <summary>
/// One search: everything that decides its results. <see cref="SearchId"/> hashes the canonical form,
/// so the same spec resumes and a changed spec is a new search.
/// </summary>
public sealed record SearchSpec(
    string Name,
    DatasetSpec Dataset,
    ModelSpec Model,
    int TicketsPerWidth,
    TrainingRecipe Training,
    PruningSpec Pruning,
    ControlsSpec Controls,
    SeedSpec Seeds)
{
    [JsonIgnore]
    public string SearchId => CanonicalSpec.Hash(this);

    /// <summary>Ticket ids in a fixed order: width index major, ticket index minor.</summary>
    public IReadOnlyList<TicketId> Tickets() =>
        Model.Widths.SelectMany((_, w) => Enumerable.Range(0, TicketsPerWidth).Select(t => new TicketId(w, t))).ToList();

    public double Width(TicketId ticket) => Model.Widths[ticket.WidthIndex];

    /// <summary>Each ticket's own SGD noise: its data order differs from every other ticket's.</summary>
    public long DataOrderSeed(TicketId ticket) => Seeds.DataOrder + ticket.WidthIndex * 1000L + ticket.Index;

    public long InitSeed(int widthIndex) => Seeds.Init + widthIndex;
}

/// <summary>Ticket <c>Index</c> of width <c>Model.Widths[WidthIndex]</c>.</summary>
public readonly record struct TicketId(int WidthIndex, int Index)
{
    public override string ToString() => $"w{WidthIndex}-t{Index}";
}

public sealed record DatasetSpec(DatasetName Name, string Path, int ValidationSize, int TrainSubset, int TestSubset);

public sealed record ModelSpec(ModelFamily Family, IReadOnlyList<double> Widths, InitScheme Init);

public sealed record TrainingRecipe(
    OptimizerKind Optimizer,
    double LearningRate,
    double Momentum,
    double WeightDecay,
    int BatchSize,
    Duration Duration,
    LrSchedule LrSchedule,
    IReadOnlyList<Duration> Milestones,
    double Gamma,
    Duration Warmup,
    Duration EvalInterval);

/// <summary>
/// How a ticket is pruned each round. <paramref name="ConvRate"/> is the convolutional layers' own rate: set for
/// conv families, absent (and left out of the canonical JSON, so the ids of specs without it do not change) for
/// LeNet and for conv searches started before it existed, whose conv layers are pruned at <paramref name="Rate"/>.
/// </summary>
public sealed record PruningSpec(PruningStrategy Strategy, double Rate, double OutputRate, int Rounds, Duration Rewind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ConvRate = null);

public sealed record ControlsSpec(bool RandomReinit, bool RandomMask);

public sealed record SeedSpec(long Init, long DataOrder, long Controls);
