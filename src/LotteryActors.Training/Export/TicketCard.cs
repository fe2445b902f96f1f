using System.Text.Json;
using LotteryActors.Training.Imp;

namespace LotteryActors.Training.Export;

/// <summary>
/// card.json beside an exported ticket: which search, ticket and round it is, the spec that made it, its density and
/// accuracies, how its inputs were made and what network its tensors belong to (enough to use it from PyTorch without
/// reading C#), and hashes that tie each file to the journal. <see cref="Format"/> changes when a field does:
/// 1 had no <see cref="Preprocessing"/> and <see cref="Architecture"/>; 2 added them (and trained.safetensors).
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
    TicketPreprocessing Preprocessing,
    TicketArchitecture Architecture,
    TicketCardHashes Hashes,
    IReadOnlyDictionary<string, string> Files)
{
    public const int CurrentFormat = 2;
}

/// <summary>
/// The journaled artifacts the export came from (SHA-256 of their files, as the journal names them):
/// the start weights, the round's mask, and the weights the round trained to.
/// </summary>
public sealed record TicketCardHashes(string StartWeights, string Mask, string TrainedWeights);
