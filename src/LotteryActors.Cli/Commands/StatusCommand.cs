using System.CommandLine;
using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Cli.Output;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>status [id]</c>: the searches in this node's journal, read without disturbing a running search, each running
/// (a process holds its lock, or the cluster has it), interrupted or completed. Searches submitted to a cluster are
/// listed like the others when the config points at the cluster's journal. Creates nothing: no home, journal, log
/// file or lock.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("search-id") { Description = "Show one search in full", Arity = ArgumentArity.ZeroOrOne };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("status", "List searches and their progress") { id, config, json };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config), logToFile: false);
            var home = setup.Runtime.Home;
            await using var reader = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides);
            var ids = parse.GetValue(id) is { } one ? [one] : await reader.SearchIdsAsync();
            var states = new List<SearchState>();
            foreach (var searchId in ids)
            {
                var state = await reader.ReadAsync(searchId);
                if (!state.Started)
                    throw new SpecException("search-id", $"no search '{searchId}' in {home}");
                states.Add(state);
            }
            bool Running(SearchState s) => SearchLock.IsHeld(home, s.SearchId!) || reader.RunsInCluster(s);
            if (parse.GetValue(json))
                JsonOutput.Write(StatusDocument.From(states, Running));
            else if (states.Count == 0)
                Results.Out.WriteLine($"no searches in {home}");
            else
                states.ForEach(s => (parse.GetValue(id) is null
                    ? (Action<SearchState, bool>)SearchTables.PrintStatus
                    : SearchTables.PrintResults)(s, Running(s)));
            return ExitCodes.Success;
        }));
        return command;
    }
}
