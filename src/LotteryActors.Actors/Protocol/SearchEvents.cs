using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Protocol;

/// <summary>
/// Marker for everything the search journals: events and snapshots. Bound to <see cref="Persistence.SearchJournalSerializer"/>,
/// which writes each as versioned JSON ("RoundCompleted.v1"), so a journal written today is readable after the
/// types evolve: a breaking change gets a new record and a new version, and the old one stays readable.
/// </summary>
public interface ISearchJournalEntry;

/// <summary>Facts about a search, in the order they happened. <see cref="Search.SearchState"/> is their fold.</summary>
public interface ISearchEvent : ISearchJournalEntry
{
    DateTimeOffset OccurredAt { get; }
}

public static class SearchEvents
{
    /// <summary>The search began; the canonical spec is kept so <c>resume &lt;id&gt;</c> needs no config file.</summary>
    public sealed record SearchStarted(string SearchId, string SpecJson, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>
    /// The dataset this search trains on, as its <see cref="Training.Data.DatasetFingerprint"/>: journaled once, right
    /// after <see cref="SearchStarted"/> (or on the first resume of a search journaled before it existed), so that a
    /// node with another copy of the data refuses the search instead of mixing datasets.
    /// </summary>
    public sealed record DatasetRecorded(string Fingerprint, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>
    /// How this node is about to train the search's runs: journaled before the first run and again whenever a
    /// resume trains them another way, because device, engine, stack size and libtorch threads each change a
    /// run's bits. A search resumed the way it began ends bit for bit as an uninterrupted one; the journal says
    /// which of its runs were trained after a change.
    /// </summary>
    public sealed record SetupRecorded(TrainingSetup Setup, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>
    /// Shared init <paramref name="InitIndex"/> of one width was drawn and stored, with its all-ones mask. v2 added
    /// the index (<c>inits-per-width</c>); a v1 entry, from when every width had one init, reads as init 0.
    /// </summary>
    public sealed record InitDrawn(int WidthIndex, string InitHash, string DenseMaskHash, DateTimeOffset OccurredAt,
        int InitIndex = 0) : ISearchEvent
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public InitId Id => new(WidthIndex, InitIndex);
    }

    /// <summary>
    /// One training run finished and its artifacts are on disk: an IMP round of a ticket, or a control at that round.
    /// Journaled before the trainer is told, so a run counts only once it is here.
    /// </summary>
    public sealed record RoundCompleted(RunRecord Result, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>The ticket gave up after repeated failures, or diverged; the search goes on without it.</summary>
    public sealed record TicketFailed(TicketRecord Ticket, string Reason, int Attempts, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>
    /// A failed ticket is reopened (<c>resume --retry-failed</c>): it continues from its last journaled run, and a
    /// completed search is completed again, with a new ensemble, once the ticket is done.
    /// </summary>
    public sealed record TicketRetried(TicketRecord Ticket, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>All of the ticket's runs are journaled.</summary>
    public sealed record TicketFinished(TicketRecord Ticket, DateTimeOffset OccurredAt) : ISearchEvent;

    /// <summary>The ensemble comparison of the finished tickets.</summary>
    public sealed record EnsembleEvaluated(EnsembleReport Report, DateTimeOffset OccurredAt) : ISearchEvent;

    public sealed record SearchCompleted(DateTimeOffset OccurredAt) : ISearchEvent;
}

/// <summary>Ensemble results per width and pruning round: members trained at (about) the same density, combined.</summary>
public sealed record EnsembleReport(IReadOnlyList<EnsembleLevel> Levels);

/// <summary>
/// One density level of one width: its tickets' scores as members and as ensembles, beside the mean test accuracy
/// of the same width's dense (round 0) runs.
/// </summary>
public sealed record EnsembleLevel(int WidthIndex, double Width, int Round, double Density, ScoresRecord Scores, double DenseTestAccuracy);

/// <summary>What decides a run's arithmetic on a node: the device type ("cpu", "cuda"), the engine ("separate",
/// "stacked") with its stack size (null when separate), and libtorch's intra-op threads.</summary>
public sealed record TrainingSetup(string Device, string Engine, int? StackSize, int TorchThreads)
{
    public override string ToString() =>
        $"{Engine}{(StackSize is { } k ? $" in stacks of {k}" : "")} on {Device} with {TorchThreads} libtorch " +
        $"thread{(TorchThreads == 1 ? "" : "s")}";
}
