using System.Collections.Immutable;
using System.Threading.Channels;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;

namespace LotteryActors.Dashboard;

/// <summary>
/// Every search the journal holds, each folded from its events as they arrive (<see cref="SearchState.Apply"/>),
/// and the cluster's work folded as its coordinator does (<see cref="CoordinatorState.Apply"/>), each with a
/// version so that a browser is sent only what changed since it last looked. Written by the journal feed, read by
/// requests: the states are immutable, swapped under a lock.
/// </summary>
public sealed class SearchBoard
{
    private readonly object gate = new();
    private readonly List<Channel<bool>> watchers = [];
    private ImmutableSortedDictionary<string, Entry> entries = ImmutableSortedDictionary<string, Entry>.Empty;

    public sealed record Entry(SearchState State, long Version);

    public sealed record ClusterEntry(CoordinatorState State, long Version);

    /// <summary>The cluster coordinator's journal folded so far; version 0 where no cluster wrote one.</summary>
    public ClusterEntry Cluster { get; private set; } = new(CoordinatorState.Empty, 0);

    /// <summary>
    /// The started searches with their versions: each search one process journaled, and each search the cluster
    /// runs, folded from its coordinator's journal and versioned with it (as <c>status</c> lists both).
    /// </summary>
    public IReadOnlyList<Entry> Entries
    {
        get
        {
            var (single, cluster) = (entries, Cluster);
            return single.Values.Where(e => e.State.Started)
                .Concat(cluster.State.Searches.Values.Where(s => s.Started && !single.ContainsKey(s.SearchId!))
                    .Select(s => new Entry(s, cluster.Version)))
                .OrderBy(e => e.State.SearchId, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The searches that have started (a search whose first event has not arrived yet is left out).</summary>
    public IReadOnlyList<SearchState> Searches => Entries.Select(e => e.State).ToList();

    public SearchState? Find(string searchId) => Searches.FirstOrDefault(s => s.SearchId == searchId);

    /// <summary>
    /// Whether the cluster is running the search: submitted there and not complete. No lock on this machine can
    /// say so, and the cluster goes on with it whenever trainer nodes are up.
    /// </summary>
    public bool RunsInCluster(SearchState state) =>
        !entries.ContainsKey(state.SearchId!) && Cluster.State.Searches.ContainsKey(state.SearchId!)
        && !state.Completed;

    public void Apply(string searchId, ISearchEvent e)
    {
        lock (gate)
        {
            var entry = entries.GetValueOrDefault(searchId) ?? new Entry(SearchState.Empty, 0);
            entries = entries.SetItem(searchId, new Entry(entry.State.Apply(e), entry.Version + 1));
            WakeWatchers();
        }
    }

    public void ApplyCluster(IClusterEvent e)
    {
        lock (gate)
        {
            Cluster = new ClusterEntry(Cluster.State.Apply(e), Cluster.Version + 1);
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
