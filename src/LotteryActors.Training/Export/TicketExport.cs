using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Export;

/// <summary>
/// Writes one journaled ticket round as a researcher takes it away, in safetensors (PyTorch opens it with
/// <c>safetensors.torch.load_file</c>): ticket.safetensors (the round's start weights times its mask),
/// mask.safetensors (the journaled mask artifact, byte for byte) and card.json (<see cref="TicketCard"/>).
/// Each file is written to a temporary name and moved, never over a file already there.
/// </summary>
public static class TicketExport
{
    public const string TicketFile = "ticket.safetensors";
    public const string MaskFile = "mask.safetensors";
    public const string CardFile = "card.json";

    /// <summary>The files an export writes: a folder holding any of them is refused before anything is read.</summary>
    public static IReadOnlyList<string> Files { get; } = [TicketFile, MaskFile, CardFile];

    private static readonly JsonSerializerOptions CardJson = new(SpecNames.Json) { WriteIndented = true };

    public static TicketCard Write(ArtifactStore store, TicketSource source, string folder)
    {
        Directory.CreateDirectory(folder);
        var (searchId, spec, run, _) = source;
        var unit = run.Unit;
        var ticketBytes = MaskedWeights(store, unit.StartHash, unit.MaskHash, new Dictionary<string, string>
        {
            ["kind"] = "winning-ticket",
            ["search-id"] = searchId,
            ["ticket"] = unit.Ticket.ToString(),
            ["round"] = unit.Round.ToString(CultureInfo.InvariantCulture),
        });
        // The journaled mask file itself: its hash is the one the journal names, so the copy is checkably the same.
        var maskBytes = File.ReadAllBytes(store.PathOf(unit.MaskHash));
        if (Sha256(maskBytes) != unit.MaskHash)
            throw new CorruptArtifactException($"mask {unit.MaskHash} no longer hashes to its name");
        var (kept, total) = Counts(store, unit.MaskHash);
        var card = new TicketCard(1, searchId, spec.Name, JsonSerializer.SerializeToElement(spec, SpecNames.Json),
            unit.Ticket.ToString(), spec.Width(unit.Ticket), unit.Round,
            unit.StartHash == source.InitHash ? "init" : "rewind-point",
            run.Density, kept, total, run.Metrics,
            new TicketCardHashes(unit.StartHash, unit.MaskHash, run.WeightsHash),
            new Dictionary<string, string> { [TicketFile] = Sha256(ticketBytes), [MaskFile] = unit.MaskHash });
        WriteNew(folder, TicketFile, ticketBytes);
        WriteNew(folder, MaskFile, maskBytes);
        WriteNew(folder, CardFile, JsonSerializer.SerializeToUtf8Bytes(card, CardJson));
        return card;
    }

    /// <summary>The weights stored under <paramref name="weightsHash"/> times the mask, as safetensors bytes.</summary>
    private static byte[] MaskedWeights(ArtifactStore store, string weightsHash, string maskHash,
        IReadOnlyDictionary<string, string> metadata)
    {
        var weights = WinningTicket.Weights(store, weightsHash, maskHash);
        try
        {
            return SafeTensors.Serialize(weights, metadata);
        }
        finally
        {
            weights.DisposeAll();
        }
    }

    private static (long Kept, long Total) Counts(ArtifactStore store, string maskHash)
    {
        var mask = store.Get(maskHash);
        try
        {
            return (mask.Values.Sum(m => m.count_nonzero().item<long>()), mask.Values.Sum(m => m.numel()));
        }
        finally
        {
            mask.DisposeAll();
        }
    }

    /// <summary>Written to a temporary name, then moved: a reader never sees half a file.</summary>
    private static void WriteNew(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: false);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
