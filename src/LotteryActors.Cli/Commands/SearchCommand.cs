using System.CommandLine;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Output.Progress;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>search</c> starts (or, for a spec already journaled, continues) a search; <c>resume &lt;id&gt;</c> continues
/// one by id with the spec stored in the journal. Both end with the per-ticket and ensemble tables.
/// </summary>
public static class SearchCommand
{
    public static Command Search()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("search", "Run a search; rerunning the same spec resumes it") { config, json };
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            return await Run(setup, setup.ReadSpec(), parse.GetValue(json), retryFailed: false, cancel);
        }));
        return command;
    }

    public static Command Resume()
    {
        var id = new Argument<string>("search-id") { Description = "Id printed by search and status" };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var retryFailed = new Option<bool>("--retry-failed")
        {
            Description = "Run the tickets journaled as failed again, from their last journaled run",
        };
        var command = new Command("resume", "Continue a search from its journal") { id, config, json, retryFailed };
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var setup = CommandSetup.Load(parse.GetValue(config));
            var searchId = parse.GetValue(id)!;
            SearchSpec spec;
            bool onCluster;
            await using (var searches = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
            {
                spec = (await searches.ReadStartedAsync(searchId)).Spec!;
                onCluster = searches.SubmittedToCluster(searchId);
            }
            return onCluster
                ? await ResumeOnCluster(parse.GetValue(config), spec, parse.GetValue(json), parse.GetValue(retryFailed),
                    cancel)
                : await Run(setup, spec, parse.GetValue(json), parse.GetValue(retryFailed), cancel);
        }));
        return command;
    }

    /// <summary>
    /// A search the cluster runs goes on there, whoever resumes it: this machine joins as a client, submits it again
    /// (which resumes it if an operator cancelled it, and changes nothing otherwise), asks the coordinator to run the
    /// failed tickets again where <paramref name="retryFailed"/> says so, and follows the
    /// search to its end as <c>submit --wait</c> does.
    /// </summary>
    private static Task<int> ResumeOnCluster(string? configPath, SearchSpec spec, bool json, bool retryFailed,
        CancellationToken cancel)
    {
        var setup = ClusterSetup.Load(configPath);
        return ClusterClient.FollowAsync(setup, spec, json, async node =>
        {
            // Submitted again: a search an operator cancelled goes on; any other is left as it is.
            await ClusterClient.AskThroughHandOver<WorkMessages.SearchAccepted>(node,
                new WorkMessages.SubmitSearch(CanonicalSpec.ToJson(spec)), setup, spec.SearchId);
            if (!retryFailed)
                return 0;
            // Not asked again in a hand-over: a retry whose answer was lost, asked twice, could journal one twice.
            var answer = await ClusterClient.Ask<WorkMessages.FailedTicketsRetried>(node,
                new WorkMessages.RetryFailedTickets(spec.SearchId));
            Serilog.Log.Information("search {SearchId}: {Retried} failed ticket(s) run again on the cluster",
                spec.SearchId, answer.Retried);
            return answer.Retried;
        }, cancel);
    }

    /// <summary>
    /// Runs the search with its progress shown: live on a terminal; where stderr is not one (CI, pipes) or stdout is
    /// JSON, as a log line every <c>lottery.log.progress-every</c>.
    /// </summary>
    private static async Task<SearchState> RunShowingProgress(CommandSetup setup, SearchSpec spec, bool json,
        bool retryFailed, CancellationToken cancel)
    {
        var progress = new SearchProgress(spec.Training.BatchSize, Environment.MachineName);
        Logging.UnitStartsOnConsole = false;
        Task<SearchState> Run(IProgressView view, TimeSpan every) =>
            OneNodeSearch.RunAsync(spec, setup.Runtime, CommandSetup.AkkaOverrides, system =>
            {
                var reporter = system.ActorOf(ProgressReporter.Props(spec.SearchId, progress, view, every), "progress");
                foreach (var followed in ProgressReporter.Follows)
                    system.EventStream.Subscribe(reporter, followed);
            }, cancel, retryFailed);
        if (!LiveProgressView.Possible(json))
            return await Run(new ProgressLog(setup.Log.ForContext("SearchId", spec.SearchId)),
                setup.LogSettings.ProgressEvery);
        return await LiveProgressView.RunAsync(progress.Snapshot(DateTimeOffset.UtcNow),
            view => Run(view, LiveRedraw));
    }

    private static readonly TimeSpan LiveRedraw = TimeSpan.FromSeconds(1);

    /// <returns>Success, or TicketsFailed when the search completed with tickets that failed (diverged).</returns>
    private static async Task<int> Run(CommandSetup setup, SearchSpec spec, bool json, bool retryFailed,
        CancellationToken cancel)
    {
        setup.Log.Information(
            "search {SearchId} ({Name}): {Tickets} tickets, {Runs} runs, {Slots} slots, journal {Journal} in {Home}",
            spec.SearchId, spec.Name, spec.Tickets().Count, spec.Tickets().Sum(t => Training.Imp.TicketSchedule.For(spec, t).Count),
            setup.Runtime.Slots, SpecNames.Of(setup.Runtime.Journal), setup.Runtime.Home);
        var state = await RunShowingProgress(setup, spec, json, retryFailed, cancel);
        if (VerifyCommand.ReportsDamage(state, setup.Runtime))
            return ExitCodes.VerifyFailed;
        return SearchOutcome.Print(state, json, $"`resume {spec.SearchId} --retry-failed` runs them again");
    }
}
