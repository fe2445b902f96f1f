using System.Text.Json;
using System.Text.Json.Nodes;
using LotteryActors.Cli.Tests.Support;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Compatibility;

/// <summary>
/// A search journaled by an earlier release must keep working with every command of this one. The fixture under
/// Fixtures/single-node-d008ee3 was made by the release at commit d008ee3 (the last before the single-node and cluster
/// paths were merged), on the 2-core AMD EPYC (no AVX-512) machine, with one libtorch thread:
/// <list type="bullet">
/// <item>journal.db and artifacts/: the runtime home of `lottery search --config search.conf`, SIGKILLed once 13 of its
/// 30 runs were journaled (two inits of width 0.1, two tickets each, two rounds, both controls, dense baselines);</item>
/// <item>status.json: what that release's `status 181d5e2f7026faf5 --json` printed for it;</item>
/// <item>uninterrupted.json: what that release's `search --json` printed for the same spec run without a stop.</item>
/// </list>
/// </summary>
public sealed class OldJournalTests : IDisposable
{
    private const string SearchId = "181d5e2f7026faf5";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private static readonly string Fixture =
        Path.Combine(AppContext.BaseDirectory, "Compatibility", "Fixtures", "single-node-d008ee3");

    private readonly ITestOutputHelper output;
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-old-journal-{Guid.NewGuid():N}");
    private readonly string oldHome;
    private readonly string freshHome;

    public OldJournalTests(ITestOutputHelper output)
    {
        this.output = output;
        oldHome = Path.Combine(home, "old");
        freshHome = Path.Combine(home, "fresh");
        CopyTree(Path.Combine(Fixture, "artifacts"), Path.Combine(oldHome, "artifacts"));
        File.Copy(Path.Combine(Fixture, "journal.db"), Path.Combine(oldHome, "journal.db"));
    }

    public void Dispose() => Directory.Delete(home, recursive: true);

    /// <summary>The same spec as the fixture's; one libtorch thread, as the fixture was made, so runs reproduce.</summary>
    private static string Config(string runtimeHome)
    {
        var path = Path.Combine(runtimeHome, "search.conf");
        Directory.CreateDirectory(runtimeHome);
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Fixture, "search.conf")) + $$"""

            lottery.runtime { home = "{{runtimeHome}}", slots = 2, torch-threads = 1, chunk-iterations = 10 }
            """);
        return path;
    }

    private static CliResult Succeed(params string[] args)
    {
        var result = CliProcess.Run(Limit, args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: exit {result.ExitCode}\n{result.Stderr}");
        return result;
    }

    [Fact]
    public void Status_reads_the_old_journal_as_the_release_that_wrote_it_did()
    {
        var status = Succeed("status", SearchId, "--config", Config(oldHome), "--json");

        Assert.Equal(Canonical(File.ReadAllText(Path.Combine(Fixture, "status.json"))), Canonical(status.Stdout));
    }

    [Fact]
    public void The_old_journal_resumes_to_an_uninterrupted_runs_bits_and_every_reading_command_works()
    {
        var config = Config(oldHome);
        var journaled = SearchJson.Runs(SearchJson.FirstSearch(File.ReadAllText(Path.Combine(Fixture, "status.json"))));
        Assert.Equal(13, journaled.Count);

        var resumed = Succeed("resume", SearchId, "--config", config, "--json").Stdout;
        var fresh = Succeed("search", "--config", Config(freshHome), "--json").Stdout;

        var resumedRuns = SearchJson.Runs(resumed);
        Assert.Equal(30, resumedRuns.Count);
        // What the old release journaled stands as it was: resume trains only what was missing.
        Assert.All(journaled, run => Assert.Equal(run.Value, resumedRuns[run.Key]));
        // Bits are promised on one machine, not across CPUs (BLAS kernels round differently): where this machine
        // reproduces the old release's journaled runs, the whole resumed search must be the uninterrupted one.
        var freshRuns = SearchJson.Runs(fresh);
        if (journaled.All(run => freshRuns[run.Key] == run.Value))
        {
            var uninterrupted = Canonical(File.ReadAllText(Path.Combine(Fixture, "uninterrupted.json")));
            Assert.Equal(uninterrupted, Canonical(fresh));
            Assert.Equal(uninterrupted, Canonical(resumed));
        }
        else
        {
            output.WriteLine("This CPU does not reproduce the fixture's runs bit for bit: bit identity not checked.");
        }

        var compare = Succeed("compare", SearchId, "--config", config, "--json").Stdout;
        var freshCompare = Succeed("compare", SearchId, "--config", Config(freshHome), "--json").Stdout;
        Assert.Equal(SearchId, JsonNode.Parse(compare)!["searches"]![0]!["searchId"]!.GetValue<string>());
        if (resumedRuns.SequenceEqual(freshRuns))
            Assert.Equal(Canonical(freshCompare), Canonical(compare));

        var report = Path.Combine(home, "report");
        Succeed("report", SearchId, "--config", config, "--out", report);
        Assert.True(File.Exists(Path.Combine(report, "report.html")));
        Assert.True(File.Exists(Path.Combine(report, "analysis.json")));

        var verify = Succeed("verify", SearchId, "--config", config);
        Assert.Contains("intact", verify.Stdout);

        var export = Path.Combine(home, "export");
        Succeed("export", SearchId, "w0-t3", "--round", "2", "--out", export, "--config", config);
        Assert.True(File.Exists(Path.Combine(export, "ticket.safetensors")));
        Assert.True(File.Exists(Path.Combine(export, "mask.safetensors")));
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(export, "card.json")));
        Assert.Equal(SearchId, card.RootElement.GetProperty("SearchId").GetString());
    }

    /// <summary>A JSON document with its layout normalised, so two printings of the same content compare equal.</summary>
    private static string Canonical(string json) => JsonNode.Parse(json)!.ToJsonString();

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
