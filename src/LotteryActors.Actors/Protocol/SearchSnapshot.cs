using System.Collections.Immutable;
using System.Text.Json.Serialization;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Training.Spec;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Protocol;

/// <summary>
/// The journaled form of a <see cref="SearchState"/>: plain lists, so it serialises as JSON unchanged. Version 2
/// added <see cref="DatasetFingerprint"/>; a version 1 snapshot reads back with none, and the coordinator then
/// records the dataset it finds. Version 3 writes each init's index (InitDrawn.v2); earlier ones read as init 0.
/// Version 4 adds the last <see cref="SetupRecorded"/>; earlier ones read with none, and the next resume records it.
/// </summary>
public sealed record SearchSnapshot(
    string SearchId,
    string SpecJson,
    IReadOnlyList<InitDrawn> Inits,
    IReadOnlyList<TicketSnapshot> Tickets,
    EnsembleReport? Ensemble,
    bool Completed,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastEventAt,
    string? DatasetFingerprint = null,
    // Left out while null, so a snapshot without a setup (every one a cluster coordinator embeds) keeps v3's bytes.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    TrainingSetup? Setup = null) : ISearchJournalEntry
{
    public static SearchSnapshot From(SearchState state) => new(
        state.SearchId!,
        CanonicalSpec.ToJson(state.Spec!),
        state.Inits.Values.ToList(),
        state.Tickets.Select(p => new TicketSnapshot(JournalRecords.From(p.Key),
            p.Value.Runs.Select(JournalRecords.From).ToList(), p.Value.Finished, p.Value.FailureReason)).ToList(),
        state.Ensemble,
        state.Completed,
        state.StartedAt,
        state.LastEventAt,
        state.DatasetFingerprint,
        state.Setup);

    public SearchState ToState() => SearchState.Empty with
    {
        SearchId = SearchId,
        Spec = CanonicalSpec.FromJson(SpecJson),
        Inits = SearchState.Empty.Inits.AddRange(Inits.Select(i => KeyValuePair.Create(i.Id, i))),
        Tickets = SearchState.Empty.Tickets.AddRange(Tickets.Select(t =>
            KeyValuePair.Create(t.Ticket.ToDomain(),
                new TicketState(t.Runs.Select(r => r.ToDomain()).ToImmutableList(), t.Finished, t.FailureReason)))),
        Ensemble = Ensemble,
        Completed = Completed,
        StartedAt = StartedAt,
        LastEventAt = LastEventAt,
        DatasetFingerprint = DatasetFingerprint,
        Setup = Setup,
    };
}

public sealed record TicketSnapshot(TicketRecord Ticket, IReadOnlyList<RunRecord> Runs, bool Finished, string? FailureReason);
