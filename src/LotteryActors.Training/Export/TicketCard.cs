using System.Text.Json;
using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Export;

/// <summary>
/// card.json beside an exported ticket: which search, ticket and round it is, the spec that made it, its density and
/// accuracies, and hashes that tie each file to the journal. <see cref="Format"/> changes when a field does.
/// </summary>
public sealed record TicketCard(
    int Format,
    string SearchId,
    string SearchName,
    JsonElement Spec,
    string Ticket,
    double Width,
    int Round,
    string Start,
    double Density,
    long KeptWeights,
    long PrunableWeights,
    RunMetrics Metrics,
    TicketCardHashes Hashes,
    IReadOnlyDictionary<string, string> Files);

/// <summary>
/// The journaled artifacts the export came from (SHA-256 of their files, as the journal names them):
/// the start weights, the round's mask, and the weights the round trained to.
/// </summary>
public sealed record TicketCardHashes(string StartWeights, string Mask, string TrainedWeights);
