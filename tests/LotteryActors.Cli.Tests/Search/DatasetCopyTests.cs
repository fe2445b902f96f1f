using System.IO.Compression;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Search;

/// <summary>
/// A search records its dataset's fingerprint: the same data in another folder (unpacked, as another machine may
/// keep it) is the same search, while a copy that differs in one label is refused with one line and exit 7,
/// before anything is trained or journaled.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class DatasetCopyTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private readonly SearchWorkspace workspace = new("lottery.search { tickets-per-width = 1, pruning.rounds = 0 }");

    public void Dispose() => workspace.Dispose();

    /// <summary>The dataset unpacked into a workspace folder, with one training label changed if asked.</summary>
    private string Copy(string name, bool changeOneLabel)
    {
        var folder = Path.Combine(workspace.Home, name);
        Directory.CreateDirectory(folder);
        foreach (var packed in Directory.GetFiles(FashionMnist, "*.gz"))
        {
            using var input = new GZipStream(File.OpenRead(packed), CompressionMode.Decompress);
            using var bytes = new MemoryStream();
            input.CopyTo(bytes);
            var content = bytes.ToArray();
            if (changeOneLabel && Path.GetFileName(packed).StartsWith("train-labels", StringComparison.Ordinal))
                content[8 + 4000] = (byte)((content[8 + 4000] + 1) % 10); // past the 8-byte IDX header
            File.WriteAllBytes(Path.Combine(folder, Path.GetFileNameWithoutExtension(packed)), content);
        }
        return folder;
    }

    /// <summary>The workspace's config with the dataset at <paramref name="folder"/>.</summary>
    private string ConfigWithDataset(string folder)
    {
        var config = Path.Combine(workspace.Home, $"{Path.GetFileName(folder)}.conf");
        File.WriteAllText(config, $"include \"search.conf\"\nlottery.search.dataset.path = \"{folder}\"\n");
        return config;
    }

    [Fact]
    public void The_same_data_elsewhere_is_the_same_search_and_a_copy_with_one_label_changed_is_refused_with_exit_7()
    {
        var first = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var searchId = SearchJson.SearchId(first.Stdout);

        var same = CliProcess.Run(Limit, "search", "--config", ConfigWithDataset(Copy("same", false)), "--json");
        Assert.True(same.ExitCode == 0, same.Stderr);
        Assert.Equal(searchId, SearchJson.SearchId(same.Stdout));
        Assert.Equal(SearchJson.Runs(first.Stdout), SearchJson.Runs(same.Stdout));

        var altered = Copy("altered", true);
        var journaled = JournalRows.Count(workspace.JournalPath, JournalRows.UnitCompleted);
        var refused = CliProcess.Run(Limit, "search", "--config", ConfigWithDataset(altered));
        Assert.Equal(7, refused.ExitCode);
        var error = Assert.Single(refused.ErrorLines);
        Assert.Contains($"search {searchId} was recorded with a dataset whose fingerprint is", error);
        Assert.Contains(altered, error);
        Assert.Equal("", refused.Stdout);
        Assert.Equal(1, JournalRows.CountOutputs(workspace.JournalPath, "Run"));
        Assert.Equal(journaled, JournalRows.Count(workspace.JournalPath, JournalRows.UnitCompleted));
    }
}
