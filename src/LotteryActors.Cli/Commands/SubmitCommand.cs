using System.CommandLine;
using Akka.Actor;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>submit --config spec.conf [--wait] [--json]</c>: hands a search to the running cluster through a seed node
/// and prints its id; <c>--wait</c> follows it to the end. The client joins as a member with no roles and leaves
/// when done. Submitting the same spec again is harmless: the cluster says it already knows the search.
/// </summary>
public static class SubmitCommand
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var wait = new Option<bool>("--wait") { Description = "Follow the search until every ticket is done" };
        var command = new Command("submit", "Hand a search to a running cluster") { config, wait, json };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var setup = ClusterSetup.Load(parse.GetValue(config));
            // Trainer nodes check the spec against their own copy of the dataset; this machine may have none.
            var spec = SearchSpecReader.Read(setup.Config);
            // The cluster's work items name an init by its width only (WorkItem.v1), so it draws one init per width.
            if (spec.Inits > 1)
                throw new SpecException($"{SpecValidator.Root}.inits-per-width",
                    $"is {spec.Inits}; a cluster search draws one init per width so far: run it with `lottery search`");
            var client = setup.Cluster with { Roles = [], Port = 0 };
            await using var node = await NodeLauncher.StartAsync(client, setup.Runtime, CommandSetup.AkkaOverrides,
                cancellation);
            var accepted = await Ask<SearchAccepted>(node, new SubmitSearch(CanonicalSpec.ToJson(spec)));
            var progress = parse.GetValue(wait) ? await Follow(node, spec.SearchId, cancellation) : null;
            if (parse.GetValue(json))
                JsonOutput.Write(new { accepted.SearchId, accepted.AlreadyKnown, progress });
            else
                Results.Out.WriteLine(progress is null
                    ? $"{accepted.SearchId}{(accepted.AlreadyKnown ? " (already submitted)" : "")}"
                    : $"{accepted.SearchId}: {progress.Done} of {progress.Total} runs journaled; every ticket done");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Asks the coordinator every 2 s and prints a line whenever the runs journaled or the units running changed:
    /// each running unit with the trainer node that holds it. The coordinator knows leases, not iterations, so
    /// there is no percentage, rate or ETA per unit here (a trainer's progress stays on its node).
    /// </summary>
    private static async Task<SearchProgress> Follow(ClusterNode node, string searchId, CancellationToken cancellation)
    {
        var last = "";
        while (true)
        {
            var progress = await Ask<SearchProgress>(node, new ProgressRequested(searchId));
            if (progress.Finished)
                return progress;
            var line = ProgressLine(progress);
            if (line != last)
                Console.Error.WriteLine(line);
            last = line;
            await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
        }
    }

    /// <summary>"id: 5 of 14 runs journaled; running: w0-t0 round 1 on 10.0.0.7:4053, ..."</summary>
    private static string ProgressLine(SearchProgress progress)
    {
        var line = $"{progress.SearchId}: {progress.Done} of {progress.Total} runs journaled";
        return progress.Running.Count == 0
            ? line
            : line + "; running: " + string.Join(", ",
                progress.Running.Select(r => $"{r.Item} on {NodeId.HostPort(r.Node)}"));
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
