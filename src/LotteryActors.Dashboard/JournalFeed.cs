using System.Collections.Concurrent;
using Akka;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Persistence;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LotteryActors.Dashboard;

/// <summary>
/// Feeds the board from the journal through Akka.Persistence.Query's live queries: the persistence ids as actors
/// start journaling, and the events of each coordinator (a search's own, and the lab cluster's with its nodes, slots
/// and leases) and of each search the single-node engine journaled, as they are journaled by whichever process or
/// machine writes them. A query that fails (the database restarts, a connection drops) is started again after a
/// backoff from the event after the last one it delivered, so nothing is folded twice and the dashboard never gives
/// up on the journal.
/// </summary>
public sealed class JournalFeed(RuntimeSettings runtime, Config? akkaOverrides, SearchBoard board,
    ILogger<JournalFeed> log) : BackgroundService
{
    /// <summary>How often to look for a SQLite journal that no search has created yet.</summary>
    private static readonly TimeSpan JournalPoll = TimeSpan.FromSeconds(1);

    private static readonly RestartSettings Backoff =
        RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), randomFactor: 0.2);

    private readonly ConcurrentDictionary<string, bool> followed = new();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (JournalFile.IsAbsent(runtime))
            log.LogInformation("no journal in {Home} yet; waiting for a search to create it", runtime.Home);
        while (JournalFile.IsAbsent(runtime))
            await Task.Delay(JournalPoll, stopping);
        await using var reader = new SearchJournalReader(runtime, WithClusterSerializer(akkaOverrides));
        var journals = RestartSource.WithBackoff(reader.LivePersistenceIds, Backoff)
            .RunForeach(id => Follow(reader, id), reader.Materializer);
        await Task.WhenAny(journals, Task.Delay(Timeout.Infinite, stopping));
    }

    /// <summary>The cluster coordinator's entries are read with the cluster's own serializer.</summary>
    private static Config WithClusterSerializer(Config? akkaOverrides)
    {
        var cluster = ConfigurationFactory.ParseString(ClusterSerializer.Hocon);
        return akkaOverrides is null ? cluster : akkaOverrides.WithFallback(cluster);
    }

    /// <summary>Follows a journal the board folds: a search's own coordinator, the lab cluster's coordinator, or a
    /// search the single-node engine journaled; any other persistent actor's is not the dashboard's business.
    /// </summary>
    private void Follow(SearchJournalReader reader, string persistenceId)
    {
        if (!followed.TryAdd(persistenceId, true))
            return;
        if (WorkCoordinator.SearchIdOf(persistenceId) is { } searchId)
        {
            log.LogInformation("following search {SearchId}", searchId);
            FollowFrom(reader, from => reader.LiveEvents<IClusterEvent>(persistenceId, from),
                e => board.ApplyOwn(searchId, e));
        }
        else if (persistenceId == WorkCoordinator.PersistenceIdValue)
        {
            log.LogInformation("following the cluster's coordinator");
            FollowFrom(reader, from => reader.LiveEvents<IClusterEvent>(persistenceId, from), board.ApplyCluster);
        }
        else if (SearchJournalReader.SearchIdOf(persistenceId) is { } journaled)
        {
            log.LogInformation("following search {SearchId}, journaled by the single-node engine", journaled);
            FollowFrom(reader, from => reader.LiveEvents(journaled, from), e => board.Apply(journaled, e));
        }
    }

    /// <summary>Folds one persistent actor's events as they are journaled, restarting after the last one folded.
    /// </summary>
    private static void FollowFrom<T>(SearchJournalReader reader,
        Func<long, Source<(long SequenceNr, T Event), NotUsed>> events, Action<T> apply)
    {
        // Written and read only by this stream, one element at a time.
        var last = 0L;
        RestartSource.WithBackoff(() => events(last + 1), Backoff)
            .RunForeach(e =>
            {
                last = e.SequenceNr;
                apply(e.Event);
            }, reader.Materializer);
    }
}
