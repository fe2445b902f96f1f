using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// <c>export</c> with the real CLI on a finished search (2 tickets, 1 pruning round, no controls). The exported
/// files are read back by a minimal safetensors reader written here, not the product's, and checked value by value
/// (bit patterns) against the artifacts the journal names.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class ExportTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private readonly SearchWorkspace workspace = new("""
        lottery.search.pruning.rounds = 1
        lottery.search.controls { random-reinit = false, random-mask = false }
        """);

    private readonly string searchId;

    public ExportTests()
    {
        var search = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        searchId = SearchJson.SearchId(search.Stdout);
    }

    public void Dispose() => workspace.Dispose();

    private string Store(string hash) => Path.Combine(workspace.Home, "artifacts", hash[..2], hash + ".safetensors");

    private CliResult Export(string ticket, string round, string folder) =>
        CliProcess.Run(Limit, "export", searchId, ticket, "--round", round, "--out", folder,
            "--config", workspace.ConfigPath);

    [Fact]
    public void The_exported_ticket_is_the_journaled_start_weights_times_the_journaled_mask_with_a_card()
    {
        var folder = Path.Combine(workspace.Home, "export");

        var export = Export("w0-t1", "1", folder);

        Assert.True(export.ExitCode == 0, export.Stderr);
        var run = Journaled.Read(workspace.JournalPath).Run("w0-t1", 1, "ticket");
        var unit = run.GetProperty("Unit");
        var startHash = unit.GetProperty("StartHash").GetString()!;
        var maskHash = unit.GetProperty("MaskHash").GetString()!;
        var start = SafeTensorsFile.Read(File.ReadAllBytes(Store(startHash)));
        var mask = SafeTensorsFile.Read(File.ReadAllBytes(Store(maskHash)));
        var ticket = SafeTensorsFile.Read(File.ReadAllBytes(Path.Combine(folder, "ticket.safetensors")));

        Assert.Equal(start.Keys.Order(), ticket.Keys.Order());
        long kept = 0, total = 0;
        foreach (var (name, tensor) in start)
        {
            Assert.Equal("F32", ticket[name].Dtype);
            Assert.Equal(tensor.Shape, ticket[name].Shape);
            var expected = tensor.FloatBits();
            if (mask.TryGetValue(name, out var layer))
            {
                Assert.Equal("BOOL", layer.Dtype);
                expected = expected.Select((bits, i) => layer.Data[i] == 1 ? bits : 0).ToArray();
                kept += layer.Data.Count(b => b == 1);
                total += layer.Data.Length;
            }
            Assert.Equal(expected, ticket[name].FloatBits());
        }
        Assert.InRange(kept, 1, total - 1);
        Assert.Equal(maskHash, Sha256(Path.Combine(folder, "mask.safetensors")));

        using var card = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "card.json")));
        var c = card.RootElement;
        Assert.Equal((searchId, "w0-t1", 1, "init"),
            (c.GetProperty("SearchId").GetString(), c.GetProperty("Ticket").GetString(),
             c.GetProperty("Round").GetInt32(),
             c.GetProperty("Start").GetString()));
        Assert.Equal((kept, total),
            (c.GetProperty("KeptWeights").GetInt64(), c.GetProperty("PrunableWeights").GetInt64()));
        Assert.Equal(run.GetProperty("Density").GetDouble(), c.GetProperty("Density").GetDouble());
        string[] metrics = ["ValidationAccuracy", "TestAccuracy", "TestAccuracyAtEarlyStop", "EarlyStopIteration"];
        foreach (var metric in metrics)
            Assert.Equal(run.GetProperty("Metrics").GetProperty(metric).GetDouble(),
                c.GetProperty("Metrics").GetProperty(metric).GetDouble());
        var hashes = c.GetProperty("Hashes");
        Assert.Equal((startHash, maskHash, run.GetProperty("WeightsHash").GetString()),
            (hashes.GetProperty("StartWeights").GetString(), hashes.GetProperty("Mask").GetString(),
             hashes.GetProperty("TrainedWeights").GetString()));
        Assert.Equal(Sha256(Path.Combine(folder, "ticket.safetensors")),
            c.GetProperty("Files").GetProperty("ticket.safetensors").GetString());
        Assert.Equal(1, c.GetProperty("Spec").GetProperty("Pruning").GetProperty("Rounds").GetInt32());
    }

    [Fact]
    public void Bad_input_exits_2_with_one_line_and_writes_nothing()
    {
        var folder = Path.Combine(workspace.Home, "refused");
        var cases = new (string[] Args, string Says)[]
        {
            (["export", "0123456789abcdef", "w0-t0", "--round", "1", "--out", folder], "no search '0123456789abcdef'"),
            (["export", searchId, "t0", "--round", "1", "--out", folder], "allowed: a ticket id such as w0-t1"),
            (["export", searchId, "w0-t7", "--round", "1", "--out", folder], "has w0-t0, w0-t1"),
            (["export", searchId, "w1-t0", "--round", "1", "--out", folder], "has w0-t0, w0-t1"),
            (["export", searchId, "w0-t0", "--round", "4", "--out", folder], "journaled rounds 0, 1"),
        };
        foreach (var (args, says) in cases)
        {
            var result = CliProcess.Run(Limit, [.. args, "--config", workspace.ConfigPath]);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: {result.ExitCode} {result.Stderr}");
            Assert.Contains(says, Assert.Single(result.ErrorLines));
            Assert.Empty(result.Stdout);
        }
        Assert.False(Directory.Exists(folder));

        var first = Export("w0-t0", "0", folder);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var card = File.ReadAllBytes(Path.Combine(folder, "card.json"));
        var again = Export("w0-t1", "1", folder);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds ticket.safetensors", Assert.Single(again.ErrorLines));
        Assert.Equal(card, File.ReadAllBytes(Path.Combine(folder, "card.json")));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>
    /// A safetensors reader independent of the product: an 8-byte little-endian header length, a JSON header of
    /// name -> {dtype, shape, data_offsets} (plus optional __metadata__), then the raw little-endian bytes.
    /// </summary>
    private static class SafeTensorsFile
    {
        public static Dictionary<string, Entry> Read(byte[] file)
        {
            var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
            using var header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, headerLength));
            var data = file.AsSpan(8 + headerLength);
            var entries = new Dictionary<string, Entry>();
            foreach (var p in header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"))
            {
                var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
                entries[p.Name] = new Entry(p.Value.GetProperty("dtype").GetString()!,
                    p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                    data[offsets[0]..offsets[1]].ToArray());
            }
            return entries;
        }
    }

    private sealed record Entry(string Dtype, long[] Shape, byte[] Data)
    {
        /// <summary>Each float's bit pattern, so that +0.0 and -0.0 differ.</summary>
        public int[] FloatBits() => Enumerable.Range(0, Data.Length / 4)
            .Select(i => BinaryPrimitives.ReadInt32LittleEndian(Data.AsSpan(i * 4))).ToArray();
    }
}
