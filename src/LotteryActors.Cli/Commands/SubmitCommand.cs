using System.CommandLine;
using System.CommandLine.Parsing;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>submit --config spec.conf [--priority N] [--wait] [--json]</c>: hands a search to the running cluster through a
/// seed node and prints its id; <c>--wait</c> follows it to the end (its ensembles journaled) and then prints what
/// <c>search</c> prints, read from the cluster's journal. The client joins as a member with no roles and leaves
/// when done. Submitting the same spec again is harmless: the cluster says it already knows the search.
/// </summary>
public static class SubmitCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var wait = new Option<bool>("--wait")
        {
            Description = "Follow the search to its end, then print its tables (read from the cluster's journal)",
        };
        var priority = new Option<int>("--priority")
        {
            // The help adds the default itself.
            Description = $"The search's share of the cluster's slots against the other searches', " +
                          $"{SearchPriority.Allowed}: the next free slot goes to the search with the fewest running " +
                          "units per point of priority, so 3 and 1 run three units and one; a search submitted " +
                          "again keeps the priority it was first given",
            DefaultValueFactory = _ => SearchPriority.Default,
            CustomParser = Priority,
        };
        var command = new Command("submit", "Hand a search to a running cluster") { config, priority, wait, json };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var setup = ClusterSetup.Load(parse.GetValue(config));
            // Trainer nodes check the spec against their own copy of the dataset; this machine may have none.
            var spec = SearchSpecReader.Read(setup.Config);
            // Submitting twice is harmless, so a submission made during a coordinator hand-over waits it out.
            Task<SearchAccepted> Submit(ClusterNode node) => ClusterClient.AskThroughHandOver<SearchAccepted>(node,
                new SubmitSearch(CanonicalSpec.ToJson(spec)) { Priority = parse.GetValue(priority) }, setup,
                spec.SearchId);
            if (parse.GetValue(wait))
                return await ClusterClient.FollowAsync(setup, spec, parse.GetValue(json), Submit, cancellation);
            SearchAccepted accepted;
            await using (var node = await ClusterClient.StartAsync(setup, cancellation))
                accepted = await Submit(node);
            if (parse.GetValue(json))
                JsonOutput.Write(new { accepted.SearchId, accepted.AlreadyKnown, accepted.Resumed });
            else
                Results.Out.WriteLine(accepted.SearchId + (accepted switch
                {
                    { Resumed: true } => " (resumed: an operator had cancelled it)",
                    { AlreadyKnown: true } => " (already submitted)",
                    _ => "",
                }));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Anything but a whole number in range is a usage error naming the range, before anything starts.
    /// </summary>
    private static int Priority(ArgumentResult result)
    {
        var token = result.Tokens.Single().Value;
        if (int.TryParse(token, out var value) && SearchPriority.IsAllowed(value))
            return value;
        result.AddError($"--priority is {token}; allowed: {SearchPriority.Allowed}");
        return SearchPriority.Default;
    }
}
