using System.Text.Json.Serialization;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Protocol.Journal;

/// <summary>What a unit of cluster work asks a trainer node for. Journaled by the pinned names, so a member renamed
/// here does not change what the journal holds.</summary>
public enum WorkKind
{
    /// <summary>Draw the shared initialisation of one width and its all-ones mask (needs the data's shapes).</summary>
    [JsonStringEnumMemberName("init")] Init,

    /// <summary>One training run of a ticket (an IMP round or a control).</summary>
    [JsonStringEnumMemberName("train")] Train,

    /// <summary>
    /// Evaluate the ensembles of a search whose tickets are all done (needs the data and the members' weights):
    /// the search's last unit, whose report completes it.
    /// </summary>
    [JsonStringEnumMemberName("ensemble")] Ensemble,
}

/// <summary>
/// A unit of work as it crosses nodes and lives in the journal: hashes and numbers only, in the journal's own records
/// (<see cref="JournalRecords"/> maps them to Training's), so a node's message and the journal share one format.
/// <see cref="Run"/> is set
/// for <see cref="WorkKind.Train"/>, <see cref="Ensembles"/> (the planned levels, each a few hashes) for
/// <see cref="WorkKind.Ensemble"/>, and neither for an init draw, which names its init by
/// <see cref="WidthIndex"/> and <see cref="InitIndex"/> (inits-per-width; left out of the JSON when 0, so the units
/// of a search with one init per width are written as before WorkQueued.v3).
/// </summary>
public sealed record WorkItem(WorkKind Kind, int WidthIndex, UnitRecord? Run,
    IReadOnlyList<EnsembleMembers>? Ensembles = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int InitIndex = 0)
{
    public static WorkItem Init(int widthIndex, int initIndex = 0) =>
        new(WorkKind.Init, widthIndex, null, InitIndex: initIndex);

    public static WorkItem Init(InitId init) => Init(init.WidthIndex, init.Index);

    /// <summary>The init an init draw draws.</summary>
    [JsonIgnore]
    public InitId InitToDraw => new(WidthIndex, InitIndex);

    /// <summary>The init draw as progress views name it: "w1" for a width's first init (as before a width could
    /// have several), "w1-i2" for another.</summary>
    [JsonIgnore]
    public string InitLabel => InitIndex == 0 ? $"w{WidthIndex}" : InitToDraw.ToString();

    public static WorkItem Train(WorkUnit run) => new(WorkKind.Train, run.Ticket.WidthIndex, JournalRecords.From(run));

    public static WorkItem Ensemble(IReadOnlyList<EnsembleMembers> levels) => new(WorkKind.Ensemble, 0, null, levels);

    /// <summary>
    /// The unit's id, a function of its content: the same unit queued twice (a resubmitted spec, a replayed
    /// decision) has the same id, so it is queued, leased and journaled as done once. Journaled too, so spelled from
    /// the journal's records: a run's ticket and kind as they pin them.
    /// </summary>
    public string IdIn(string searchId) => Kind switch
    {
        WorkKind.Train => $"{searchId}/{Run!.Ticket}/r{Run.Round}/{SpecNames.Of(Run.Kind)}",
        WorkKind.Ensemble => EnsemblesId(searchId),
        // Init 0 keeps the id it had before a width could have several inits.
        _ => InitIndex == 0 ? $"{searchId}/init/w{WidthIndex}" : $"{searchId}/init/w{WidthIndex}/i{InitIndex}",
    };

    /// <summary>Whether the unit <paramref name="workId"/> is one of the search's: its id starts with the search's
    /// (<see cref="IdIn"/>).</summary>
    public static bool IsIn(string workId, string searchId) =>
        workId.Length > searchId.Length && workId[searchId.Length] == '/'
                                        && workId.StartsWith(searchId, StringComparison.Ordinal);

    /// <summary>The id of a search's ensemble unit, whatever its levels.</summary>
    public static string EnsemblesId(string searchId) => $"{searchId}/ensembles";

    public override string ToString() => Kind switch
    {
        WorkKind.Train => Run!.ToDomain().ToString(),
        WorkKind.Ensemble => $"ensembles at {Ensembles!.Count} level(s)",
        _ => InitIndex == 0 ? $"init of width {WidthIndex}" : $"init {InitIndex} of width {WidthIndex}",
    };
}

/// <summary>
/// What a trainer node produced: a run's result, an init's hashes, the reason the run diverged (the ticket's
/// scientific fate, journaled like a result), or a search's ensemble report. Exactly one of the four is set.
/// </summary>
public sealed record WorkOutput(RunRecord? Run, InitHashes? Init, string? Failure, EnsembleReport? Ensemble = null)
{
    public static WorkOutput Trained(RunResult run) => new(JournalRecords.From(run), null, null);

    public static WorkOutput Drawn(string initHash, string denseMaskHash) =>
        new(null, new InitHashes(initHash, denseMaskHash), null);

    public static WorkOutput Diverged(string reason) => new(null, null, reason);

    public static WorkOutput Evaluated(EnsembleReport report) => new(null, null, null, report);
}

public sealed record InitHashes(string InitHash, string DenseMaskHash);
