using System.CommandLine;
using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Search;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Output.Progress;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>submit --config spec.conf [--wait] [--json]</c>: hands a search to the running cluster through a seed node
/// and prints its id; <c>--wait</c> follows it to the end (its ensembles journaled) and then prints what
/// <c>search</c> prints, read from the cluster's journal. The client joins as a member with no roles and leaves
/// when done. Submitting the same spec again is harmless: the cluster says it already knows the search.
/// </summary>
public static class SubmitCommand
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var wait = new Option<bool>("--wait")
        {
            Description = "Follow the search to its end, then print its tables (read from the cluster's journal)",
        };
        var command = new Command("submit", "Hand a search to a running cluster") { config, wait, json };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var setup = ClusterSetup.Load(parse.GetValue(config));
            // Trainer nodes check the spec against their own copy of the dataset; this machine may have none.
            var spec = SearchSpecReader.Read(setup.Config);
            var client = setup.Cluster with { Roles = [], Port = 0 };
            SearchAccepted accepted;
            await using (var node = await NodeLauncher.StartAsync(client, setup.Runtime, CommandSetup.AkkaOverrides,
                cancellation))
            {
                accepted = await Ask<SearchAccepted>(node, new SubmitSearch(CanonicalSpec.ToJson(spec)));
                if (parse.GetValue(wait))
                    await Follow(node, spec, parse.GetValue(json), setup.Log.ProgressEvery, cancellation);
            }
            if (parse.GetValue(wait))
                return await PrintOutcome(setup, spec.SearchId, parse.GetValue(json));
            if (parse.GetValue(json))
                JsonOutput.Write(new { accepted.SearchId, accepted.AlreadyKnown });
            else
                Results.Out.WriteLine($"{accepted.SearchId}{(accepted.AlreadyKnown ? " (already submitted)" : "")}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The finished search as <c>search</c> prints it, read from the cluster's journal (the coordinator answered
    /// that it is complete, so its ensembles are journaled): the client left the cluster first.
    /// </summary>
    private static async Task<int> PrintOutcome(ClusterSetup setup, string searchId, bool json)
    {
        SearchState state;
        await using (var searches = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
            state = await searches.ReadStartedAsync(searchId);
        return SearchOutcome.Print(state, json, "a cluster does not run failed tickets again");
    }

    /// <summary>
    /// Asks the coordinator every 2 s how far the search is and shows it as <c>search</c> shows one: live on a
    /// terminal, otherwise as <see cref="ProgressLines"/> (at least every <c>lottery.log.progress-every</c>). Each
    /// unit's % and examples/s are its node's, as of its latest lease renewal (<c>renew-every</c>).
    /// </summary>
    private static async Task Follow(ClusterNode node, SearchSpec spec, bool json, TimeSpan progressEvery,
        CancellationToken cancellation)
    {
        async Task<WorkMessages.SearchProgress> Poll(IProgressView view)
        {
            while (true)
            {
                var progress = await Ask<WorkMessages.SearchProgress>(node, new ProgressRequested(spec.SearchId));
                if (progress.Finished)
                    return progress;
                view.Show(ClusterProgress.Snapshot(progress, spec.Training.BatchSize));
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            }
        }
        if (LiveProgressView.Possible(json))
            await LiveProgressView.RunAsync(new ProgressSnapshot(0, 0, [], null, null), Poll);
        else
            await Poll(new ProgressLines(spec.SearchId, Console.Error, progressEvery, TimeProvider.System));
    }

    private static async Task<T> Ask<T>(ClusterNode node, object message)
    {
        try
        {
            return await node.Coordinator.Ask<T>(message, AnswerTimeout);
        }
        catch (AskTimeoutException)
        {
            throw new ClusterUnavailableException($"no coordinator answered within {AnswerTimeout.TotalSeconds:0} s: " +
                "is a node with the coordinator role up, and its journal database reachable?");
        }
    }
}
