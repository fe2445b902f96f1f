using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Export;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Models;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Export;

/// <summary>
/// An export of a hand-made ticket round (a drawn init, a fixed mask, made-up trained weights and metrics) over a
/// tiny IDX dataset: card.json is pinned byte for byte by a golden file (its format is persisted: a change to a
/// field must bump <see cref="TicketCard.CurrentFormat"/> and add a golden file), and trained.safetensors holds the
/// trained weights times the mask.
/// </summary>
public sealed class TicketExportTests : IDisposable
{
    private const string DataToken = "<dataset folder>";
    private readonly TempDirectory temp = new();
    private readonly string data;
    private readonly ArtifactStore store;
    private readonly TicketSource source;
    private readonly Dictionary<string, Tensor> trainedWeights;
    private readonly Dictionary<string, Tensor> mask;

    public TicketExportTests()
    {
        data = Path.Combine(temp.Path, "data");
        Directory.CreateDirectory(data);
        WriteIdx("train", 12);
        WriteIdx("t10k", 4);
        var spec = SyntheticSpec.Search() with
        {
            Dataset = new DatasetSpec(DatasetName.FashionMnist, data, ValidationSize: 2, TrainSubset: 10,
                TestSubset: 0),
        };
        store = new ArtifactStore(Path.Combine(temp.Path, "artifacts"));
        using var network = NetworkFactory.Create(spec.Model.Family, spec.Model.Widths[0], [1, 28, 28], 10);
        var init = NetworkFactory.DrawInit(network, spec.Model.Init, seed: 3);
        mask = network.PrunableWeights.ToDictionary(n => n,
            n => (arange(init[n].numel()).remainder(3) != 0).reshape(init[n].shape));
        trainedWeights = init.ToDictionary(p => p.Key, p => p.Value * 2 + 1);
        var initHash = store.Put(init);
        var run = new RunResult(new WorkUnit(new TicketId(0, 1), 1, RunKind.Ticket, initHash, store.Put(mask)),
            Density: 0.667, new RunMetrics(100, 0.5, 1.25, 0.45, 1.5, 80, 0.55, 0.4375, 0.75),
            store.Put(trainedWeights), NextMaskHash: null, RewindHash: null);
        source = new TicketSource(spec.SearchId, spec, run, initHash, DatasetLoader.Normalisation(spec.Dataset));
        init.DisposeAll();
    }

    public void Dispose()
    {
        trainedWeights.DisposeAll();
        mask.DisposeAll();
        store.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void The_card_is_the_golden_file_of_its_format()
    {
        var folder = Path.Combine(temp.Path, "export");

        var card = TicketExport.Write(store, source, folder, trained: true);

        Assert.Equal(2, card.Format);
        var golden = Path.Combine(AppContext.BaseDirectory, "Export", "Golden", $"card.v{card.Format}.json");
        var actual = File.ReadAllText(Path.Combine(folder, TicketExport.CardFile)).Replace(data, DataToken);
        if (!File.Exists(golden) || File.ReadAllText(golden) != actual)
            File.WriteAllText(Path.Combine(Path.GetTempPath(), $"card.v{card.Format}.actual.json"), actual);
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    [Fact]
    public void Trained_weights_are_the_rounds_weights_times_its_mask_and_only_when_asked()
    {
        var plain = Path.Combine(temp.Path, "plain");
        var withTrained = Path.Combine(temp.Path, "trained");

        var card = TicketExport.Write(store, source, plain);
        var cardWithTrained = TicketExport.Write(store, source, withTrained, trained: true);

        Assert.False(File.Exists(Path.Combine(plain, TicketExport.TrainedFile)));
        Assert.DoesNotContain(TicketExport.TrainedFile, card.Files.Keys);
        var written = SafeTensors.Deserialize(File.ReadAllBytes(Path.Combine(withTrained, TicketExport.TrainedFile)));
        Assert.Equal(trainedWeights.Keys.Order(), written.Keys.Order());
        foreach (var (name, weight) in trainedWeights)
        {
            // Pruned entries are +0.0 (a product would leave -0.0 where a trained weight was negative).
            using var expected = mask.TryGetValue(name, out var kept) ? where(kept, weight, 0f) : weight.clone();
            Assert.True(TensorAssert.SameBits(expected, written[name]), name);
        }
        written.DisposeAll();
        Assert.Equal(cardWithTrained.Files[TicketExport.TrainedFile],
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                File.ReadAllBytes(Path.Combine(withTrained, TicketExport.TrainedFile)))));
    }

    private void WriteIdx(string prefix, int count)
    {
        File.WriteAllBytes(Path.Combine(data, $"{prefix}-images-idx3-ubyte"),
            IdxBytes.Images(count, 28, 28, (example, pixel) => (byte)((example * 31 + pixel * 7) % 256)));
        File.WriteAllBytes(Path.Combine(data, $"{prefix}-labels-idx1-ubyte"),
            IdxBytes.Labels(Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray()));
    }
}
