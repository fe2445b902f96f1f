using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using LotteryActors.Actors.Configuration;
using LotteryActors.Actors.Hosting;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Persistence;

/// <summary>
/// Reads searches straight from the journal through Akka.Persistence.Query, without starting them: for
/// <c>status</c>, <c>resume</c> and reports. Safe while another process is writing the same search. It writes
/// nothing: a SQLite journal that does not exist yet holds no search (and is not created), and the tables of one
/// that does are not initialised again (that needs a write lock, which a running search may hold for a while).
/// </summary>
public sealed class SearchJournalReader : IAsyncDisposable
{
    private const string Prefix = "search-";

    private static readonly Config ReadOnly = ConfigurationFactory.ParseString("""
        akka.persistence.journal.sql.auto-initialize = off
        akka.persistence.snapshot-store.sql.auto-initialize = off
        """);

    /// <summary>How long the read journal may wait for the write journal to start (see <see cref="OpenReadJournal"/>).
    /// </summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly string home;
    private readonly ActorSystem? system;
    private readonly SqlReadJournal? journal;
    private readonly ActorMaterializer? materializer;

    public SearchJournalReader(RuntimeSettings runtime, Config? akkaOverrides = null)
    {
        home = runtime.Home;
        if (JournalFile.IsAbsent(runtime))
            return;
        JournalFile.EnsureReadable(runtime);
        // Akka.Persistence.Sql would meet an unreachable server at the first query, in Npgsql's words.
        if (runtime.Journal == JournalBackend.Postgresql)
            JournalDatabase.EnsureReachableAsync(runtime.ConnectionString).GetAwaiter().GetResult();
        var overrides = akkaOverrides is null ? ReadOnly : ReadOnly.WithFallback(akkaOverrides);
        system = ActorSystem.Create("lottery-reader", JournalHocon.AkkaConfig(runtime, overrides));
        journal = OpenReadJournal(system);
        materializer = system.Materializer();
    }

    /// <summary>
    /// A reader over the journal of <paramref name="system"/>, a process's own actor system that journals already (a
    /// search's): no second system is started, which costs about half a second, and the system stays its owner's.
    /// </summary>
    public SearchJournalReader(ActorSystem system, string home)
    {
        this.home = home;
        journal = OpenReadJournal(system);
        materializer = system.Materializer();
    }

    /// <summary>
    /// Akka.Persistence.Sql's read journal gives the write journal a fixed 5 s to report itself initialised and
    /// throws after that. On a loaded machine (2 cores, a search and a test run beside it) that start can take
    /// longer, so it is asked again, the write journal starting on meanwhile, up to <see cref="StartLimit"/>.
    /// </summary>
    private static SqlReadJournal OpenReadJournal(ActorSystem system)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            }
            catch (Exception e) when (IsAskTimeout(e) && started.Elapsed < StartLimit)
            {
            }
        }
    }

    private static bool IsAskTimeout(Exception? e) =>
        e is AskTimeoutException || (e is AggregateException a && a.InnerExceptions.Any(IsAskTimeout))
        || (e?.InnerException is { } inner && IsAskTimeout(inner));

    public async Task<IReadOnlyList<string>> SearchIdsAsync() =>
        (await PersistenceIdsAsync()).Select(SearchIdOf).OfType<string>().Order().ToList();

    /// <summary>Every persistence id with events in the journal: for readers of other actors' journals too.
    /// </summary>
    public async Task<IReadOnlyList<string>> PersistenceIdsAsync() => journal is null
        ? []
        : (await Answer(journal.CurrentPersistenceIds().RunWith(Sink.Seq<string>(), materializer))).ToList();

    /// <summary>The search folded from all its journaled events; <see cref="SearchState.Empty"/> if it has none.</summary>
    public async Task<SearchState> ReadAsync(string searchId) =>
        (await EventsAsync(Prefix + searchId)).OfType<ISearchEvent>()
        .Aggregate(SearchState.Empty, (s, e) => s.Apply(e));

    /// <summary>The search folded from its events; a search id the journal does not know is bad input.</summary>
    public async Task<SearchState> ReadStartedAsync(string searchId)
    {
        var state = await ReadAsync(searchId);
        return state.Started ? state : throw NoSuchSearch(searchId);
    }

    /// <summary>The one line for a search id that no reader of this journal knows.</summary>
    public SpecException NoSuchSearch(string searchId) =>
        new("search-id", $"no search '{searchId}' in {home}; `status` lists them");

    /// <summary>
    /// Every event journaled so far under <paramref name="persistenceId"/>, in order (none without a journal): for
    /// readers of other actors' journals, such as the cluster coordinator's, whose serializer the overrides bind.
    /// </summary>
    public async Task<IReadOnlyList<object>> EventsAsync(string persistenceId)
    {
        if (journal is null)
            return [];
        var events = await Answer(journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), materializer));
        return events.Select(e => e.Event).ToList();
    }

    /// <summary>Whether there is a journal to read: false for a SQLite journal no search has created yet.</summary>
    public bool HasJournal => journal is not null;

    public IMaterializer Materializer => materializer ?? throw NoJournal();

    /// <summary>Live: every persistence id in the journal, then each new one as its first event is journaled; never
    /// completes. <see cref="SearchIdOf"/> tells which are this engine's searches.</summary>
    public Source<string, NotUsed> LivePersistenceIds() => (journal ?? throw NoJournal()).PersistenceIds();

    /// <summary>The search a single-node journal's persistence id names, or null for any other actor's.</summary>
    public static string? SearchIdOf(string persistenceId) =>
        persistenceId.StartsWith(Prefix, StringComparison.Ordinal) ? persistenceId[Prefix.Length..] : null;

    /// <summary>
    /// Live: the search's events from <paramref name="fromSequenceNr"/> on, each with its sequence number (so a
    /// restarted stream goes on after the last one it saw), then each new one as it is journaled.
    /// </summary>
    public Source<(long SequenceNr, ISearchEvent Event), NotUsed> LiveEvents(string searchId, long fromSequenceNr) =>
        LiveEvents<ISearchEvent>(Prefix + searchId, fromSequenceNr);

    /// <summary>
    /// Live: the events of type <typeparamref name="T"/> that <paramref name="persistenceId"/> journaled (the cluster
    /// coordinator's, say: its types must be bound to a serializer in this reader's Akka settings), as above.
    /// </summary>
    public Source<(long SequenceNr, T Event), NotUsed> LiveEvents<T>(string persistenceId, long fromSequenceNr) =>
        (journal ?? throw NoJournal()).EventsByPersistenceId(persistenceId, fromSequenceNr, long.MaxValue)
            .Where(e => e.Event is T)
            .Select(e => (e.SequenceNr, (T)e.Event));

    private InvalidOperationException NoJournal() =>
        new($"no journal in {home} yet; wait for {nameof(HasJournal)} before querying it live");

    /// <summary>A journal too slow or too far to answer is the machine's fault, not a bug: say so.</summary>
    private static async Task<T> Answer<T>(Task<T> query)
    {
        try
        {
            return await query;
        }
        catch (AskTimeoutException e)
        {
            throw new JournalUnavailableException($"the journal did not answer in time ({e.Message}); try again", e);
        }
    }

    /// <summary>Stops this reader's own actor system, or, reading another's, only the streams it ran there.</summary>
    public async ValueTask DisposeAsync()
    {
        if (system is not null)
            await system.Terminate();
        else
            materializer?.Dispose();
    }
}
