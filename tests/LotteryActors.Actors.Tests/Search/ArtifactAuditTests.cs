using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Protocol.Journal;
using LotteryActors.Actors.Search;
using LotteryActors.Actors.Tests.Support;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Repair;
using static LotteryActors.Actors.Protocol.SearchEvents;

namespace LotteryActors.Actors.Tests.Search;

/// <summary>The audit on hand-made journals: every hash the journal names, once, with the step that made it.</summary>
public sealed class ArtifactAuditTests
{
    private static SearchState Fold(params ISearchEvent[] events) =>
        events.Aggregate(SearchState.Empty, (s, e) => s.Apply(e));

    private static string Hash(char c) => new(c, 64);

    private static Dictionary<string, (ArtifactKind Kind, ArtifactProducer? Producer)> Audit(SearchState state)
    {
        var artifacts = ArtifactAudit.Of(state);
        Assert.Equal(artifacts.Count, artifacts.Select(a => a.Hash).Distinct().Count());
        return artifacts.ToDictionary(a => a.Hash, a => (a.Kind, a.Producer));
    }

    [Fact]
    public void Every_artifact_of_a_completed_ticket_is_named_once_with_its_producer()
    {
        var round0 = SampleEvents.Round(0);
        var round1 = SampleEvents.Round(1, density: 0.8);
        var reinit = SampleEvents.Round(1, RunKind.RandomReinit, 0.8);
        var randomMask = SampleEvents.Round(1, RunKind.RandomMask, 0.8);
        var state = Fold(SampleEvents.Started(), SampleEvents.Init(), round0, round1, reinit, randomMask);

        var audit = Audit(state);

        var expected = new Dictionary<string, (ArtifactKind, ArtifactProducer?)>
        {
            [Hash('i')] = (ArtifactKind.Init, new ArtifactProducer.InitDraw(0)),
            [Hash('m')] = (ArtifactKind.DenseMask, new ArtifactProducer.DenseMask(0, Hash('i'))),
            [Hash('p')] = (ArtifactKind.Weights, new ArtifactProducer.UnitRun(round0.Result.Unit.ToDomain())),
            [Hash('b')] = (ArtifactKind.Mask, new ArtifactProducer.UnitRun(round0.Result.Unit.ToDomain())),
            [Hash('q')] = (ArtifactKind.Weights, new ArtifactProducer.UnitRun(round1.Result.Unit.ToDomain())),
            [Hash('c')] = (ArtifactKind.Mask, new ArtifactProducer.UnitRun(round1.Result.Unit.ToDomain())),
            [Hash('r')] = (ArtifactKind.Weights, new ArtifactProducer.UnitRun(reinit.Result.Unit.ToDomain())),
            [Hash('s')] = (ArtifactKind.Weights, new ArtifactProducer.UnitRun(randomMask.Result.Unit.ToDomain())),
            [Hash('x')] = (ArtifactKind.ControlInit, new ArtifactProducer.UnitRun(reinit.Result.Unit.ToDomain())),
            [Hash('y')] = (ArtifactKind.ControlMask, new ArtifactProducer.UnitRun(randomMask.Result.Unit.ToDomain())),
        };
        Assert.Equal(expected.OrderBy(p => p.Key), audit.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_late_rewinding_point_is_named_as_the_round_zero_runs_output_not_as_an_unknown_start()
    {
        var rewind = Hash('w');
        var round0 = new RoundCompleted(SampleEvents.Round(0).Result with { RewindHash = rewind }, SampleEvents.T0);
        var round1 = SampleEvents.Round(1, density: 0.8);
        var unit = round1.Result.Unit with { StartHash = rewind };
        var fromRewind = round1 with { Result = round1.Result with { Unit = unit } };
        var state = Fold(SampleEvents.Started(), SampleEvents.Init(), round0, fromRewind);

        var audit = Audit(state);

        Assert.Equal((ArtifactKind.RewindPoint, new ArtifactProducer.UnitRun(round0.Result.Unit.ToDomain())),
            audit[rewind]);
    }

    [Fact]
    public void An_input_that_no_journaled_step_produced_is_named_without_a_producer()
    {
        var state = Fold(SampleEvents.Started(), SampleEvents.Round(1, RunKind.RandomMask, 0.8));

        var audit = Audit(state);

        Assert.Equal((ArtifactKind.Mask, (ArtifactProducer?)null), audit[Hash('b')]);
        Assert.Equal((ArtifactKind.StartWeights, (ArtifactProducer?)null), audit[Hash('i')]);
        Assert.Equal(ArtifactKind.Weights, audit[Hash('s')].Kind);
        Assert.Equal(ArtifactKind.ControlMask, audit[Hash('y')].Kind);
        Assert.Equal(4, audit.Count);
    }

    [Fact]
    public void A_random_reinit_names_the_init_it_drew_as_its_output_and_not_the_shared_init_as_an_input()
    {
        var reinit = SampleEvents.Round(1, RunKind.RandomReinit, 0.8);
        var state = Fold(SampleEvents.Started(), reinit);

        var audit = Audit(state);

        Assert.DoesNotContain(Hash('i'), audit.Keys);
        Assert.Equal([Hash('b'), Hash('r'), Hash('x')], audit.Keys.Order());
        Assert.Equal((ArtifactKind.ControlInit, new ArtifactProducer.UnitRun(reinit.Result.Unit.ToDomain())),
            audit[Hash('x')]);
    }

    [Fact]
    public void A_control_journaled_before_v2_names_no_draw_and_still_audits()
    {
        var old = SampleEvents.Round(1, RunKind.RandomMask, 0.8);
        var state = Fold(SampleEvents.Started(), old with { Result = old.Result with { Control = null } });

        Assert.Equal([Hash('b'), Hash('i'), Hash('s')], Audit(state).Keys.Order());
    }

    [Fact]
    public void A_started_search_without_inits_names_nothing() =>
        Assert.Empty(ArtifactAudit.Of(Fold(SampleEvents.Started())));
}
