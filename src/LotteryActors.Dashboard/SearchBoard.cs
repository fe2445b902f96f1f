using System.Collections.Immutable;
using System.Threading.Channels;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Dashboard;

/// <summary>
/// Every search the journal holds, each folded from its events as they arrive: a search one process ran, from its
/// own coordinator's journal (<see cref="CoordinatorState.Apply"/>) or, journaled before the one execution path, from
/// the single-node engine's (<see cref="SearchState.Apply"/>); and the lab cluster's work, folded as its coordinator
/// does. Each entry carries a version so that a browser is sent only what changed since it last looked. Written by
/// the journal feed, read by requests: the states are immutable, swapped under a lock.
/// </summary>
public sealed class SearchBoard
{
    private readonly object gate = new();
    private readonly List<Channel<bool>> watchers = [];
    private ImmutableSortedDictionary<string, Entry> single = ImmutableSortedDictionary<string, Entry>.Empty;
    private ImmutableSortedDictionary<string, ClusterEntry> own = ImmutableSortedDictionary<string, ClusterEntry>.Empty;

    /// <summary>Counts every change, whichever journal it came from: an entry's version is the count at its last
    /// change, so a search read from another journal than before (an old journal its coordinator adopted) is never
    /// taken for one the browser has already seen.</summary>
    private long changes;

    public sealed record Entry(SearchState State, long Version);

    public sealed record ClusterEntry(CoordinatorState State, long Version);

    /// <summary>The lab cluster coordinator's journal folded so far; version 0 where no cluster wrote one.</summary>
    public ClusterEntry Cluster { get; private set; } = new(CoordinatorState.Empty, 0);

    /// <summary>
    /// The started searches with their versions, each read as <c>status</c> reads it: from its own coordinator, else
    /// from the single-node engine's journal, else from the lab cluster's coordinator.
    /// </summary>
    public IReadOnlyList<Entry> Entries
    {
        get
        {
            var (singles, owns, cluster) = (single, own, Cluster);
            return singles.Keys.Union(owns.Keys).Union(cluster.State.Searches.Keys)
                .Select(id => OwnEntry(owns, id)
                              ?? (singles.GetValueOrDefault(id) is { State.Started: true } alone ? alone : null)
                              ?? (cluster.State.Searches.GetValueOrDefault(id) is { Started: true } submitted
                                  ? new Entry(submitted, cluster.Version)
                                  : null))
                .OfType<Entry>()
                .OrderBy(e => e.State.SearchId, StringComparer.Ordinal).ToList();
        }
    }

    private static Entry? OwnEntry(ImmutableSortedDictionary<string, ClusterEntry> owns, string searchId) =>
        owns.GetValueOrDefault(searchId) is { } entry
        && entry.State.Searches.GetValueOrDefault(searchId) is { Started: true } state
            ? new Entry(state, entry.Version)
            : null;

    /// <summary>The searches that have started (a search whose first event has not arrived yet is left out).</summary>
    public IReadOnlyList<SearchState> Searches => Entries.Select(e => e.State).ToList();

    public SearchState? Find(string searchId) => Searches.FirstOrDefault(s => s.SearchId == searchId);

    /// <summary>
    /// Whether the lab cluster is running the search: submitted there and not complete. No lock on this machine can
    /// say so, and the cluster goes on with it whenever trainer nodes are up.
    /// </summary>
    public bool RunsInCluster(SearchState state) =>
        !single.ContainsKey(state.SearchId!) && !own.ContainsKey(state.SearchId!)
        && Cluster.State.Searches.ContainsKey(state.SearchId!) && !state.Completed;

    /// <summary>An event of a search journaled by the single-node engine (before the one execution path).</summary>
    public void Apply(string searchId, ISearchEvent e) => Change(() =>
    {
        var entry = single.GetValueOrDefault(searchId) ?? new Entry(SearchState.Empty, 0);
        single = single.SetItem(searchId, new Entry(entry.State.Apply(e), changes));
    });

    /// <summary>An event of the coordinator that one process ran a search on (<c>lottery search</c>).</summary>
    public void ApplyOwn(string searchId, IClusterEvent e) => Change(() =>
    {
        var entry = own.GetValueOrDefault(searchId) ?? new ClusterEntry(CoordinatorState.Empty, 0);
        own = own.SetItem(searchId, new ClusterEntry(entry.State.Apply(e), changes));
    });

    /// <summary>An event of the lab cluster's coordinator.</summary>
    public void ApplyCluster(IClusterEvent e) =>
        Change(() => Cluster = new ClusterEntry(Cluster.State.Apply(e), changes));

    private void Change(Action apply)
    {
        lock (gate)
        {
            changes++;
            apply();
            WakeWatchers();
        }
    }

    /// <summary>
    /// A watcher's channel holds one wake-up at most: a slow browser is told "something changed" once and then reads
    /// every version it missed, so nothing queues up and no change is lost. Called under the lock.
    /// </summary>
    private void WakeWatchers()
    {
        foreach (var watcher in watchers)
            watcher.Writer.TryWrite(true);
    }

    /// <summary>Wake-ups after each change, until the watch is disposed.</summary>
    public Watch StartWatching()
    {
        var channel = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (gate)
            watchers.Add(channel);
        return new Watch(this, channel);
    }

    public sealed class Watch(SearchBoard board, Channel<bool> channel) : IDisposable
    {
        /// <summary>Completes at the next change, or at once if one came since the last call.</summary>
        public async Task ChangedAsync(CancellationToken cancellation) => await channel.Reader.ReadAsync(cancellation);

        public void Dispose()
        {
            lock (board.gate)
                board.watchers.Remove(channel);
        }
    }
}
