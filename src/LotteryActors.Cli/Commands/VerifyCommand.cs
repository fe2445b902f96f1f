using System.CommandLine;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Artifacts;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>verify &lt;id&gt; [--repair]</c>: hashes every artifact the search's journal names and, with --repair,
/// regenerates the missing or corrupt ones by re-running the steps that made them, checking each against its
/// journaled hash. Exit 0 when all are intact (or restored bit for bit), 6 otherwise.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("search-id") { Description = "Id printed by search and status" };
        var repair = new Option<bool>("--repair")
        {
            Description = "Regenerate missing or corrupt artifacts by re-running the steps that produced them",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch threads for re-runs; a run is reproduced bit for bit at the count it was made " +
                          "with. Default: lottery.runtime.torch-threads, as search uses it",
        }.AtLeastOne();
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Check every artifact a search's journal names; --repair regenerates them")
        {
            id, repair, threads, config, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var repairRuntime = RepairRuntime(setup.Runtime, parse.GetValue(threads));
            var searchId = parse.GetValue(id)!;
            SearchState state;
            await using (var reader = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
                state = await reader.ReadStartedAsync(searchId);
            var check = ArtifactVerifier.Check(state, setup.Runtime, ArtifactCheck.Content);
            var repaired = parse.GetValue(repair) && !check.AllIntact
                ? ArtifactVerifier.Repair(state, repairRuntime, check.Damaged,
                    step => setup.Log.Information("re-running {Step} of search {SearchId}", step.ToString(), searchId))
                : null;
            if (parse.GetValue(json))
                JsonOutput.Write(VerifyDocument.From(searchId, check, repaired));
            else
                ArtifactLines.Print(searchId, check, repaired);
            return repaired?.AllRestored ?? check.AllIntact ? ExitCodes.Success : ExitCodes.VerifyFailed;
        }));
        return command;
    }

    /// <summary>
    /// The cheap check a finished search gets before its results are printed: existence and safetensors layout of
    /// every journaled artifact, no hashing. Damage is reported on stderr, one line per artifact and a way out;
    /// returns whether there was any.
    /// </summary>
    public static bool ReportsDamage(SearchState state, RuntimeSettings runtime)
    {
        var check = ArtifactVerifier.Check(state, runtime, ArtifactCheck.Layout);
        foreach (var damaged in check.Damaged)
            Console.Error.WriteLine($"error: {ArtifactLines.Describe(damaged)}");
        if (!check.AllIntact)
            Console.Error.WriteLine($"error: {ArtifactLines.Summary(state.SearchId!, check)}; " +
                                    $"run `lottery verify {state.SearchId} --repair` to regenerate them");
        return !check.AllIntact;
    }

    /// <summary>0 is the option's absence: an explicit 0 or less is refused at parse time.</summary>
    private static RuntimeSettings RepairRuntime(RuntimeSettings runtime, int threads) =>
        threads == 0 ? runtime : runtime with { TorchThreads = threads };
}
