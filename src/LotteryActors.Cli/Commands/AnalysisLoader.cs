using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Training.Analysis;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// Reads searches from the journal (run by one process or by a cluster) and analyses their journaled runs against
/// their stored artifacts. Works on a finished search and on one still running (it analyses what is journaled so
/// far).
/// </summary>
public static class AnalysisLoader
{
    public static async Task<IReadOnlyList<SearchAnalysis>> AnalyzeAsync(CommandSetup setup, IReadOnlyList<string> searchIds, AnalysisOptions options)
    {
        var states = new List<SearchState>();
        await using (var reader = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
        {
            foreach (var id in searchIds)
                states.Add(await reader.ReadStartedAsync(id));
        }
        // Analysis is evaluation only, with no reproducibility to keep: every core's thread pays.
        using var node = new NodeBuilder(setup.Runtime, torchThreads: Environment.ProcessorCount);
        return states.Select(state =>
        {
            setup.Log.Information("analysing search {SearchId} ({Name}): {Runs} runs", state.SearchId,
                state.Spec!.Name, state.Progress().Done);
            using var analyzer = new SearchAnalyzer(node.Runner(state), options);
            return analyzer.Analyze(state.SearchId!, state.Tickets.Values.SelectMany(t => t.Runs).ToList());
        }).ToList();
    }
}
