using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Analysis;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// Reads searches from the journal and analyses their journaled runs against their stored artifacts. Works on a
/// finished search and on one still running (it analyses what is journaled so far).
/// </summary>
public static class AnalysisLoader
{
    public static async Task<IReadOnlyList<SearchAnalysis>> AnalyzeAsync(CommandSetup setup, IReadOnlyList<string> searchIds, AnalysisOptions options)
    {
        var states = new List<SearchState>();
        await using (var reader = new SearchJournalReader(setup.Runtime, CommandSetup.AkkaOverrides))
        {
            foreach (var id in searchIds)
                states.Add(await reader.ReadStartedAsync(id));
        }
        TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
        var store = new ArtifactStore(setup.Runtime.ArtifactsDirectory);
        return states.Select(state =>
        {
            var spec = state.Spec!;
            setup.Log.Information("analysing search {SearchId} ({Name}): {Runs} runs", state.SearchId, spec.Name, state.Progress().Done);
            using var data = DatasetLoader.Load(spec.Dataset);
            using var analyzer = new SearchAnalyzer(new ImpRunner(spec, data, store), options);
            return analyzer.Analyze(state.SearchId!, state.Tickets.Values.SelectMany(t => t.Runs).ToList());
        }).ToList();
    }
}
