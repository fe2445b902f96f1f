using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

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

/// <summary>
/// How data orders are drawn: <see cref="PerTicket"/> (one order per ticket, reused by every round and both controls
/// on its masks, the behaviour of every search before it) or <see cref="PerRun"/> (a fresh order for every round,
/// control and baseline), which tests whether a mask wins apart from the SGD noise it was selected with.
/// </summary>
public enum DataOrderDraw { PerTicket, PerRun }

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
    SeedSpec Seeds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? InitsPerWidth = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DenseBaselineSpec? Baseline = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DataOrderDraw? DataOrder = null)
{
    [JsonIgnore]
    public string SearchId => CanonicalSpec.Hash(this);

    /// <summary>
    /// Independent shared inits drawn per width (<see cref="InitsPerWidth"/>; absent, and left out of the canonical
    /// JSON so older specs keep their ids, means one). Each init has <see cref="TicketsPerWidth"/> tickets of its own.
    /// </summary>
    [JsonIgnore]
    public int Inits => InitsPerWidth ?? 1;

    /// <summary>
    /// Ticket ids in a fixed order: width index major, ticket index minor. Tickets 0..T-1 of a width belong to its
    /// init 0, T..2T-1 to init 1, and so on (T = <see cref="TicketsPerWidth"/>), so a search with one init per width
    /// names its tickets as it always did.
    /// </summary>
    public IReadOnlyList<TicketId> Tickets() =>
        Model.Widths.SelectMany((_, w) => Enumerable.Range(0, Inits * TicketsPerWidth).Select(t => new TicketId(w, t))).ToList();

    /// <summary>The inits every width draws, width index major.</summary>
    public IReadOnlyList<InitId> InitIds() =>
        Model.Widths.SelectMany((_, w) => Enumerable.Range(0, Inits).Select(i => new InitId(w, i))).ToList();

    /// <summary>The shared init a ticket starts from.</summary>
    public InitId InitOf(TicketId ticket) => new(ticket.WidthIndex, ticket.Index / TicketsPerWidth);

    /// <summary>The ticket of each init that also trains the converged dense baseline (when one is asked for).</summary>
    public bool TrainsDenseBaseline(TicketId ticket) => Baseline is not null && ticket.Index % TicketsPerWidth == 0;

    public double Width(TicketId ticket) => Model.Widths[ticket.WidthIndex];

    /// <summary>
    /// Each ticket's own SGD noise: its data order differs from every other ticket's. With
    /// <see cref="DataOrderDraw.PerRun"/> (<see cref="DataOrder"/>; absent, and left out of the canonical JSON so
    /// older specs keep their ids, means <see cref="DataOrderDraw.PerTicket"/>) each run adds its own offset to it.
    /// </summary>
    public long DataOrderSeed(TicketId ticket) => Seeds.DataOrder + ticket.WidthIndex * 1000L + ticket.Index;

    /// <summary>Init 0 of width w keeps the seed it always had (init + w); init i adds 1000 i, past any width index.</summary>
    public long InitSeed(InitId init) => Seeds.Init + init.WidthIndex + 1000L * init.Index;
}

/// <summary>Init <c>Index</c> of width <c>Model.Widths[WidthIndex]</c>: one independently drawn shared init.</summary>
public readonly record struct InitId(int WidthIndex, int Index) : IComparable<InitId>
{
    public int CompareTo(InitId other) =>
        WidthIndex != other.WidthIndex ? WidthIndex.CompareTo(other.WidthIndex) : Index.CompareTo(other.Index);

    public override string ToString() => $"w{WidthIndex}-i{Index}";
}

/// <summary>
/// The converged dense baseline: per init, one dense net trained with the search's recipe for at most
/// <paramref name="Epochs"/> epochs, stopped once validation accuracy has not improved for
/// <paramref name="Patience"/> evaluations, and kept at its best validation point. Absent (older specs, and
/// <c>baseline.dense-epochs = 0</c>), comparisons fall back to the tickets' round-0 runs.
/// </summary>
public sealed record DenseBaselineSpec(int Epochs, int Patience);

/// <summary>Ticket <c>Index</c> of width <c>Model.Widths[WidthIndex]</c>.</summary>
public readonly partial record struct TicketId(int WidthIndex, int Index)
{
    public override string ToString() => $"w{WidthIndex}-t{Index}";

    /// <summary>The ticket <paramref name="text"/> spells as <see cref="ToString"/> writes it ("w0-t1"), or null.
    /// </summary>
    public static TicketId? Parse(string text) =>
        Spelled().Match(text) is { Success: true } m
            ? new TicketId(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))
            : null;

    [GeneratedRegex(@"^w([0-9]{1,6})-t([0-9]{1,6})$")]
    private static partial Regex Spelled();
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
/// How a ticket is pruned each round. <paramref name="Strategy"/> is a name in <c>PruningStrategies</c>; the canonical
/// JSON holds that name, spelled as the enum it replaced was, so search ids did not change. <paramref name="ConvRate"/>
/// is the convolutional layers' own rate: set for conv families, absent (and left out of the canonical JSON, so the
/// ids of specs without it do not change) for LeNet and for conv searches started before it existed, whose conv
/// layers are pruned at <paramref name="Rate"/>.
/// </summary>
public sealed record PruningSpec(string Strategy, double Rate, double OutputRate, int Rounds, Duration Rewind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ConvRate = null);

public sealed record ControlsSpec(bool RandomReinit, bool RandomMask);

public sealed record SeedSpec(long Init, long DataOrder, long Controls);
