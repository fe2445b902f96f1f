using System.Security.Cryptography;
using System.Text.Json;
using LotteryActors.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// Self-repair with the real CLI on a finished search: <c>verify</c> names every damaged artifact, <c>verify
/// --repair</c> regenerates them bit for bit from the journal, and <c>search</c> refuses to print the results of a
/// search whose artifacts are gone.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class VerifyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>One pruning round (8 runs) and one libtorch thread, so a re-run reproduces a run bit for bit.</summary>
    private const string SmallDeterministicSearch = """
        lottery.search.pruning.rounds = 1
        lottery.runtime.torch-threads = 1
        """;

    [Fact]
    public void Verify_names_damaged_artifacts_repair_restores_them_bit_for_bit_and_search_refuses_a_missing_one()
    {
        using var workspace = new SearchWorkspace(SmallDeterministicSearch);
        var search = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        var searchId = SearchJson.SearchId(search.Stdout);
        var journal = Journaled.Read(workspace.JournalPath);
        var store = Path.Combine(workspace.Home, "artifacts");
        var weights = journal.Weights("w0-t1", 1, "ticket");
        var mask = journal.NextMask("w0-t0", 0);
        File.Delete(PathOf(store, weights));
        Damage(PathOf(store, mask), bytes => bytes[^1] ^= 0x01);
        Damage(PathOf(store, journal.Init), bytes => bytes[^1] ^= 0x01);

        var verify = CliProcess.Run(Limit, "verify", searchId, "--config", workspace.ConfigPath);

        Assert.True(verify.ExitCode == 6, verify.Stderr);
        Assert.Contains($"missing weights {weights} (run w0-t1 round 1)", verify.Stdout);
        Assert.Contains($"corrupt mask {mask} (run w0-t0 round 0)", verify.Stdout);
        Assert.Contains($"corrupt init {journal.Init} (w0 init draw)", verify.Stdout);
        Assert.Contains($"3 of {journal.All.Count} journaled artifacts damaged (1 missing, 2 corrupt", verify.Stdout);

        var repair = CliProcess.Run(Limit, "verify", searchId, "--repair", "--config", workspace.ConfigPath);

        Assert.True(repair.ExitCode == 0, repair.Stdout + repair.Stderr);
        Assert.Contains(
            "3 of 3 damaged artifacts restored bit for bit; re-ran 2 training runs and 1 init or dense-mask draws",
            repair.Stdout);
        Assert.All(journal.All, hash => Assert.Equal(hash, Sha256(PathOf(store, hash))));
        Assert.Empty(Directory.GetFiles(store, "*.tmp", SearchOption.AllDirectories));

        var control = journal.Weights("w0-t0", 1, "random-mask");
        File.Delete(PathOf(store, control));
        var rerun = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");

        Assert.True(rerun.ExitCode == 6, rerun.Stderr);
        Assert.Equal(
            [
                $"error: missing weights {control} (run w0-t0 round 1 random-mask)",
                $"error: search {searchId}: 1 of {journal.All.Count} journaled artifacts damaged " +
                "(1 missing, 0 corrupt; existence and safetensors layout); " +
                $"run `lottery verify {searchId} --repair` to regenerate them",
            ],
            rerun.ErrorLines);
        Assert.Empty(rerun.Stdout);
    }

    private static string PathOf(string store, string hash) => Path.Combine(store, hash[..2], hash + ".safetensors");

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static void Damage(string path, Action<byte[]> damage)
    {
        var bytes = File.ReadAllBytes(path);
        damage(bytes);
        File.WriteAllBytes(path, bytes);
    }
}
