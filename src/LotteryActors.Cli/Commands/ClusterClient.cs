using Akka.Actor;
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
/// What the commands that talk to a running cluster share (<c>submit</c>, and <c>resume</c> of a search the cluster
/// runs): a client that joins as a member with no roles, asks the coordinator, follows a search to its end and
/// prints what <c>search</c> prints, read from the cluster's journal.
/// </summary>
public static class ClusterClient
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public static Task<ClusterNode> StartAsync(ClusterSetup setup, CancellationToken cancellation) =>
        NodeLauncher.StartAsync(setup.Cluster with { Roles = [], Port = 0 }, setup.Runtime, CommandSetup.AkkaOverrides,
            cancellation);

    /// <summary>
    /// Joins, asks <paramref name="first"/> (a submission, a retry), follows the search to its end and prints it;
    /// the client leaves the cluster before it reads the journal.
    /// </summary>
    public static async Task<int> FollowAsync<T>(ClusterSetup setup, SearchSpec spec, bool json,
        Func<ClusterNode, Task<T>> first, CancellationToken cancellation)
    {
        await using (var node = await StartAsync(setup, cancellation))
        {
            await first(node);
            await Follow(node, spec, json, setup, cancellation);
        }
        return await PrintOutcome(setup, spec.SearchId, json);
    }

    /// <summary>
    /// Asks as <see cref="Ask{T}"/> does, but waits out a coordinator hand-over: while no coordinator answers it
    /// asks again, for up to <c>lottery.cluster.follow-patience</c> counted from the first unanswered question
    /// (said once). For questions that are safe to ask twice: a submission, a progress report.
    /// </summary>
    public static async Task<T> AskThroughHandOver<T>(ClusterNode node, object message, ClusterSetup setup,
        string searchId)
    {
        var silence = new CoordinatorSilence(setup.Cluster.FollowPatience, searchId);
        while (true)
        {
            try
            {
                return await Ask<T>(node, message);
            }
            catch (ClusterUnavailableException unanswered) when (silence.Waits(unanswered))
            {
            }
        }
    }

    public static async Task<T> Ask<T>(ClusterNode node, object message)
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

    /// <summary>
    /// The finished search as <c>search</c> prints it, read from the cluster's journal (the coordinator answered
    /// that it is complete, so its ensembles are journaled): the client left the cluster first.
    /// </summary>
    private static async Task<int> PrintOutcome(ClusterSetup setup, string searchId, bool json)
    {
        SearchState state;
        await using (var searches = new JournaledSearches(setup.Runtime, CommandSetup.AkkaOverrides))
            state = await searches.ReadStartedAsync(searchId);
        return SearchOutcome.Print(state, json, $"`resume {searchId} --retry-failed` runs them again");
    }

    /// <summary>
    /// Asks the coordinator every 2 s how far the search is and shows it as <c>search</c> shows one: live on a
    /// terminal, otherwise as <see cref="ProgressLines"/> (at least every <c>lottery.log.progress-every</c>). Each
    /// unit's % and examples/s are its node's, as of its latest lease renewal (<c>renew-every</c>). While no
    /// coordinator answers (a hand-over is under way) it keeps asking (<see cref="AskThroughHandOver{T}"/>).
    /// A search an operator cancels ends the command (exit 5: resume continues it).
    /// </summary>
    private static async Task Follow(ClusterNode node, SearchSpec spec, bool json, ClusterSetup setup,
        CancellationToken cancellation)
    {
        async Task<WorkMessages.SearchProgress> Poll(IProgressView view)
        {
            while (true)
            {
                var progress = await AskThroughHandOver<WorkMessages.SearchProgress>(node,
                    new ProgressRequested(spec.SearchId), setup, spec.SearchId);
                if (progress.Cancelled)
                    throw new ClusterUnavailableException($"search {spec.SearchId} was cancelled by an operator; " +
                                                          $"`resume {spec.SearchId}` continues it");
                if (progress.Finished)
                    return progress;
                view.Show(ClusterProgress.Snapshot(progress, spec.Training.BatchSize));
                await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
            }
        }
        if (LiveProgressView.Possible(json))
            await LiveProgressView.RunAsync(new ProgressSnapshot(0, 0, [], null, null), Poll);
        else
            await Poll(new ProgressLines(spec.SearchId, Console.Error, setup.Log.ProgressEvery, TimeProvider.System));
    }

    /// <summary>
    /// Unanswered questions to the coordinator in a row: a hand-over is waited out (said once) until the patience
    /// is spent, counted from the first question that went unanswered.
    /// </summary>
    private sealed class CoordinatorSilence(TimeSpan patience, string searchId)
    {
        private DateTimeOffset? since;

        /// <summary>True to ask again; false once the patience is spent, so the failure ends the command.</summary>
        public bool Waits(ClusterUnavailableException unanswered)
        {
            var now = TimeProvider.System.GetUtcNow();
            if (since is null)
            {
                since = now - AnswerTimeout;
                Serilog.Log.Warning("search {SearchId}: {Unanswered}; a coordinator hand-over may be under way, so " +
                                    "this keeps following it for up to {Patience}", searchId, unanswered.Message,
                    patience);
            }
            return now - since < patience;
        }
    }
}
