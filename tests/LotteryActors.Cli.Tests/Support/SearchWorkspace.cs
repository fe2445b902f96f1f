namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// A throwaway runtime home with a config for a small but real search on Fashion-MNIST: 2 tickets, 2 pruning
/// rounds with both controls (14 runs), on 3,000 training images for one epoch each. Seconds, not minutes.
/// </summary>
public sealed class SearchWorkspace : IDisposable
{
    public const int RunsPerSearch = 14;

    /// <summary>The small real search every workspace runs (and the cluster tests submit: same spec, same id).</summary>
    public const string Search = """
        lottery.search {
          name = cli-test
          dataset { train-subset = 3500, validation-size = 500, test-subset = 1000 }
          tickets-per-width = 2
          training { duration = "1ep", eval-interval = "20it" }
          pruning.rounds = 2
        }
        """;

    /// <summary>
    /// Laid over <see cref="Search"/>: one ticket whose runs train 6 epochs on 20,000 images (seconds to minutes
    /// each), with progress published every 300 ms, so a test sees a running unit's share move before it ends.
    /// </summary>
    public const string LongRunsPublished = """
        lottery.runtime.unit-progress-every = 300ms
        lottery.search { tickets-per-width = 1, dataset.train-subset = 20000, training.duration = "6ep" }
        """;

    public SearchWorkspace(string extraHocon = "")
    {
        Home = Path.Combine(Path.GetTempPath(), $"lottery-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Home);
        ConfigPath = Path.Combine(Home, "search.conf");
        File.WriteAllText(ConfigPath, $$"""
            {{Search}}
            lottery.runtime { home = "{{Home}}", slots = 2, chunk-iterations = 10, min-backoff = 100ms }
            {{extraHocon}}
            """);
    }

    public string Home { get; }

    public string ConfigPath { get; }

    public string JournalPath => Path.Combine(Home, "journal.db");

    /// <summary>Starts <c>lottery serve</c> on this workspace at a free loopback port and waits until it listens.
    /// </summary>
    public ServedDashboard Serve(TimeSpan patience)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var serve = CliProcess.Start("serve", "--config", ConfigPath, "--urls", url);
        serve.WaitForLog("dashboard of", patience);
        return new ServedDashboard(serve, url);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still be releasing files; the OS temp cleaner takes what is left.
        }
    }
}

/// <summary><c>lottery serve</c> listening at <paramref name="Url"/>; killed on dispose.</summary>
public sealed record ServedDashboard(CliProcess Process, string Url) : IDisposable
{
    public void Dispose() => Process.Dispose();
}
