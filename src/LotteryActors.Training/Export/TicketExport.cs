using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Export;

/// <summary>
/// Writes one journaled ticket round as a researcher takes it away, in safetensors (PyTorch opens it with
/// <c>safetensors.torch.load_file</c>): ticket.safetensors (the round's start weights times its mask),
/// mask.safetensors (the journaled mask artifact, byte for byte), card.json (<see cref="TicketCard"/>) and, when
/// asked, trained.safetensors (the weights the round trained to, times its mask). Each file is written to a temporary
/// name and moved, never over a file already there.
/// </summary>
public static class TicketExport
{
    public const string TicketFile = "ticket.safetensors";
    public const string MaskFile = "mask.safetensors";
    public const string CardFile = "card.json";
    public const string TrainedFile = "trained.safetensors";

    /// <summary>The files an export may write: a folder holding any of them is refused before anything is read.
    /// </summary>
    public static IReadOnlyList<string> Files { get; } = [TicketFile, MaskFile, CardFile, TrainedFile];

    private static readonly JsonSerializerOptions CardJson = new(SpecNames.Json) { WriteIndented = true };

    public static TicketCard Write(ArtifactStore store, TicketSource source, string folder, bool trained = false)
    {
        Directory.CreateDirectory(folder);
        var (searchId, spec, run, _, normalisation) = source;
        var unit = run.Unit;
        var ticketBytes = MaskedWeights(store, unit.StartHash, unit.MaskHash,
            Metadata("winning-ticket", searchId, unit));
        // The journaled mask file itself: its hash is the one the journal names, so the copy is checkably the same.
        var maskBytes = File.ReadAllBytes(store.PathOf(unit.MaskHash));
        if (Sha256(maskBytes) != unit.MaskHash)
            throw new CorruptArtifactException($"mask {unit.MaskHash} no longer hashes to its name");
        var trainedBytes = trained
            ? MaskedWeights(store, run.WeightsHash, unit.MaskHash, Metadata("trained-ticket", searchId, unit))
            : null;
        var (kept, total) = Counts(store, unit.MaskHash);
        var files = new Dictionary<string, string> { [TicketFile] = Sha256(ticketBytes), [MaskFile] = unit.MaskHash };
        if (trainedBytes is not null)
            files[TrainedFile] = Sha256(trainedBytes);
        var card = new TicketCard(TicketCard.CurrentFormat, searchId, spec.Name,
            JsonSerializer.SerializeToElement(spec, SpecNames.Json), unit.Ticket.ToString(), spec.Width(unit.Ticket),
            unit.Round, unit.StartHash == source.InitHash ? "init" : "rewind-point",
            run.Density, kept, total, run.Metrics, Preprocessing(spec.Dataset, normalisation),
            Architecture(spec, unit.Ticket, normalisation.ExampleShape),
            new TicketCardHashes(unit.StartHash, unit.MaskHash, run.WeightsHash), files);
        WriteNew(folder, TicketFile, ticketBytes);
        WriteNew(folder, MaskFile, maskBytes);
        if (trainedBytes is not null)
            WriteNew(folder, TrainedFile, trainedBytes);
        WriteNew(folder, CardFile, JsonSerializer.SerializeToUtf8Bytes(card, CardJson));
        return card;
    }

    private static Dictionary<string, string> Metadata(string kind, string searchId, WorkUnit unit) => new()
    {
        ["kind"] = kind,
        ["search-id"] = searchId,
        ["ticket"] = unit.Ticket.ToString(),
        ["round"] = unit.Round.ToString(CultureInfo.InvariantCulture),
    };

    private static TicketPreprocessing Preprocessing(DatasetSpec dataset, PixelNormalisation n) => new(
        SpecNames.Of(dataset.Name), n.ExampleShape,
        "x[c] = (pixel[c] / 255 - Mean[c]) / Std[c], float32, for each channel c",
        n.Mean, n.Std,
        "every pixel of channel c of the Fit split, scaled to [0, 1]; Std is the population standard deviation",
        new Dictionary<string, TicketDataSlice>
        {
            ["Fit"] = new("train", 0, n.Fit),
            ["Validation"] = new("train", n.Fit, n.Validation),
            ["Test"] = new("test", 0, n.Test),
        },
        n.Fingerprint);

    /// <summary>The ticket's network, built (not trained) to read its layers and tensor shapes.</summary>
    private static TicketArchitecture Architecture(SearchSpec spec, TicketId ticket, long[] exampleShape)
    {
        using var network = NetworkFactory.Create(spec.Model.Family, spec.Width(ticket), exampleShape,
            DatasetLoader.Classes);
        return new TicketArchitecture(SpecNames.Of(spec.Model.Family), spec.Width(ticket), exampleShape,
            DatasetLoader.Classes,
            network.Steps, network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape),
            network.PrunableWeights);
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
