using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Imp;
using LotteryActors.Training.Models;
using LotteryActors.Training.Pruning;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Imp;

/// <summary>
/// Whole tickets on the synthetic data: LeNet at width 0.25 (36-75-25-10, 4825 prunable weights), 30 iterations a run,
/// two pruning rounds at 20% for every layer, both controls.
/// </summary>
public sealed class ImpRunnerTests : IDisposable
{
    private static readonly TicketId Ticket = new(0, 0);

    private readonly DatasetSplits data = SyntheticData.Splits();
    private readonly TempDirectory temp = new();

    public ImpRunnerTests() => set_num_threads(1);

    public void Dispose()
    {
        data.Dispose();
        temp.Dispose();
    }

    private ImpRunner Runner(SearchSpec spec, string store = "store") =>
        new(spec, data, new ArtifactStore(Path.Combine(temp.Path, store)));

    /// <summary>Runs every unit of the ticket in schedule order; returns the init hash and the results.</summary>
    private static (string Init, List<RunResult> Results) RunTicket(ImpRunner runner)
    {
        var init = runner.DrawInit(Ticket.WidthIndex);
        var dense = runner.DenseMask(init);
        var results = new List<RunResult>();
        while (TicketSchedule.NextUnit(runner.Spec, Ticket, init, dense, results) is { } unit)
            results.Add(runner.Run(unit, chunkIterations: 7));
        return (init, results);
    }

    private static RunResult Find(List<RunResult> results, int round, RunKind kind) =>
        results.Single(r => r.Unit.Round == round && r.Unit.Kind == kind);

    [Fact]
    public void Density_shrinks_by_the_pruning_rate_every_round()
    {
        var (_, results) = RunTicket(Runner(SyntheticSpec.Search()));

        Assert.Equal(7, results.Count);
        Assert.Equal([1.0, 3860.0 / 4825, 3088.0 / 4825], results.Where(r => r.Unit.Kind == RunKind.Ticket).Select(r => r.Density));
        Assert.Equal(0.8, Find(results, 1, RunKind.Ticket).Density, 12);
        Assert.Equal(0.64, Find(results, 2, RunKind.Ticket).Density, 12);
        Assert.All(results, r => Assert.Equal(Find(results, r.Unit.Round, RunKind.Ticket).Density, r.Density));
    }

    [Fact]
    public void Running_the_same_units_again_stores_identical_artifacts()
    {
        var (_, first) = RunTicket(Runner(SyntheticSpec.Search(), "first"));
        var (_, second) = RunTicket(Runner(SyntheticSpec.Search(), "second"));

        Assert.Equal(first.Select(r => r.Unit), second.Select(r => r.Unit));
        Assert.Equal(first.Select(r => r.WeightsHash), second.Select(r => r.WeightsHash));
        Assert.Equal(first.Select(r => r.NextMaskHash), second.Select(r => r.NextMaskHash));
        Assert.Equal(first.Select(r => r.Metrics), second.Select(r => r.Metrics));
    }

    [Fact]
    public void Only_ticket_rounds_before_the_last_name_a_next_mask()
    {
        var (_, results) = RunTicket(Runner(SyntheticSpec.Search()));

        Assert.NotNull(Find(results, 0, RunKind.Ticket).NextMaskHash);
        Assert.NotNull(Find(results, 1, RunKind.Ticket).NextMaskHash);
        Assert.Null(Find(results, 2, RunKind.Ticket).NextMaskHash);
        Assert.All(results.Where(r => r.Unit.Kind != RunKind.Ticket), r => Assert.Null(r.NextMaskHash));
    }

    /// <summary>Hidden, output and conv rates that cannot stand in for each other.</summary>
    public static TheoryData<ModelFamily, double?> Families => new()
    {
        { ModelFamily.Lenet300100, null },
        { ModelFamily.Conv2, 0.15 },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void The_next_mask_is_the_magnitude_pruning_of_the_trained_weights_at_each_layer_types_rate(
        ModelFamily family, double? convRate)
    {
        var spec = SyntheticSpec.Search() with
        {
            Model = SyntheticSpec.Search().Model with { Family = family },
            Pruning = SyntheticSpec.Search().Pruning with { Rate = 0.2, OutputRate = 0.05, ConvRate = convRate },
        };
        var runner = Runner(spec);
        var (_, results) = RunTicket(runner);
        var roundOne = Find(results, 1, RunKind.Ticket);

        using var scope = NewDisposeScope();
        using var network = runner.CreateNetwork(0.25);
        var storedMask = runner.Store.Get(roundOne.Unit.MaskHash);
        var trained = runner.Store.Get(roundOne.WeightsHash);
        var next = runner.Store.Get(roundOne.NextMaskHash!);
        var mask = new Mask(storedMask.ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float32)));
        var expected = PruningStrategies.LayerWise.Prune(mask, trained, network.OutputWeight,
            new PruningRates(0.2, 0.05, convRate));

        Assert.All(next.Values, t => Assert.Equal(ScalarType.Bool, t.dtype));
        TensorAssert.BitwiseEqual(expected.Layers, next.ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float32)));
        // Each layer type kept its own share of round 1's mask, so no rate was passed in another's place.
        double Kept(string layer) =>
            next[layer].count_nonzero().item<long>() / (double)storedMask[layer].count_nonzero().item<long>();
        Assert.Equal(0.95, Kept(network.OutputWeight), 2);
        Assert.Equal(0.8, Kept("fc1.weight"), 2);
        if (convRate is { } conv)
            Assert.Equal(1 - conv, Kept(next.Keys.First(k => next[k].dim() == 4)), 2);
        foreach (var (layer, kept) in storedMask)
            Assert.All(TensorAssert.Values(trained[layer].masked_select(kept.logical_not())),
                v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }

    [Fact]
    public void Tickets_of_one_width_share_the_init_but_each_shuffles_with_its_own_data_order_seed()
    {
        var spec = SyntheticSpec.Search() with { TicketsPerWidth = 2 };
        var runner = Runner(spec);
        var init = runner.DrawInit(0);
        var dense = runner.DenseMask(init);
        var first = runner.Run(TicketSchedule.NextUnit(spec, new TicketId(0, 0), init, dense, [])!, 7);
        var second = runner.Run(TicketSchedule.NextUnit(spec, new TicketId(0, 1), init, dense, [])!, 7);

        Assert.Equal(first.Unit.StartHash, second.Unit.StartHash);
        Assert.NotEqual(first.WeightsHash, second.WeightsHash);
        // Ticket 1's seed is the base + 1: a search whose base is one higher trains its ticket 0 to the same bits.
        var shifted = spec with { Seeds = spec.Seeds with { DataOrder = spec.Seeds.DataOrder + 1 } };
        var shiftedRunner = Runner(shifted, "shifted");
        var shiftedInit = shiftedRunner.DrawInit(0);
        var shiftedDense = shiftedRunner.DenseMask(shiftedInit);
        var twin = shiftedRunner.Run(TicketSchedule.NextUnit(shifted, new TicketId(0, 0), shiftedInit, shiftedDense, [])!, 7);
        Assert.Equal(init, shiftedInit);
        Assert.Equal(second.WeightsHash, twin.WeightsHash);
    }

    [Fact]
    public void Controls_train_to_different_weights_than_the_ticket()
    {
        var (_, results) = RunTicket(Runner(SyntheticSpec.Search()));

        var roundOne = results.Where(r => r.Unit.Round == 1).Select(r => r.WeightsHash).ToList();

        Assert.Equal(3, roundOne.Distinct().Count());
    }

    [Fact]
    public void A_random_reinit_stores_the_init_it_drew_from_its_recorded_seed_and_trains_from_it()
    {
        var runner = Runner(SyntheticSpec.Search());
        var (init, results) = RunTicket(runner);
        var reinit = Find(results, 1, RunKind.RandomReinit);
        var draw = reinit.Control!;

        Assert.Null(draw.MaskHash);
        Assert.NotEqual(init, draw.InitHash);
        using var scope = NewDisposeScope();
        using var network = runner.CreateNetwork(0.25);
        var redrawn = NetworkFactory.DrawInit(network, runner.Spec.Model.Init, draw.Seed);
        var stored = runner.Store.Get(draw.InitHash!);
        TensorAssert.BitwiseEqual(redrawn, stored);
        var metadata = SafeTensors.ReadMetadata(File.ReadAllBytes(runner.Store.PathOf(draw.InitHash!)));
        Assert.Equal("control-init", metadata["kind"]);
        Assert.Null(Find(results, 1, RunKind.Ticket).Control);
    }

    [Fact]
    public void A_random_mask_stores_the_mask_it_drew_and_its_weights_are_zero_outside_it()
    {
        var runner = Runner(SyntheticSpec.Search());
        var (_, results) = RunTicket(runner);
        var control = Find(results, 2, RunKind.RandomMask);
        var draw = control.Control!;

        Assert.Null(draw.InitHash);
        Assert.NotEqual(control.Unit.MaskHash, draw.MaskHash);
        using var scope = NewDisposeScope();
        using var ticketMask = runner.GetMask(control.Unit.MaskHash);
        using var expected = RandomMasks.SameLayerDensities(ticketMask, draw.Seed);
        using var stored = runner.GetMask(draw.MaskHash!);
        TensorAssert.BitwiseEqual(expected.Layers, stored.Layers);
        var trained = runner.Store.Get(control.WeightsHash);
        foreach (var (layer, kept) in stored.Layers)
        {
            using var pruned = kept.logical_not().to(ScalarType.Bool);
            Assert.Equal(0L, trained[layer].masked_select(pruned).count_nonzero().item<long>());
        }
        Assert.Equal(expected.Density, control.Density, 12);
    }

    [Fact]
    public void Without_late_rewinding_later_rounds_restart_from_the_init()
    {
        var (init, results) = RunTicket(Runner(SyntheticSpec.Search()));

        Assert.Null(Find(results, 0, RunKind.Ticket).RewindHash);
        Assert.Equal(init, Find(results, 1, RunKind.Ticket).Unit.StartHash);
        Assert.Equal(init, Find(results, 2, RunKind.RandomMask).Unit.StartHash);
    }

    [Fact]
    public void Late_rewinding_records_the_rewind_point_in_round_zero_and_starts_later_rounds_there()
    {
        var spec = SyntheticSpec.Search() with
        {
            Pruning = SyntheticSpec.Search().Pruning with { Rounds = 1, Rewind = new Duration(5, DurationUnit.Iterations) },
        };
        var runner = Runner(spec);

        var (init, results) = RunTicket(runner);

        var rewind = Find(results, 0, RunKind.Ticket).RewindHash;
        Assert.NotNull(rewind);
        Assert.NotEqual(init, rewind);
        Assert.Equal(rewind, Find(results, 1, RunKind.Ticket).Unit.StartHash);
        Assert.Equal(rewind, Find(results, 1, RunKind.RandomMask).Unit.StartHash);
        Assert.Equal(init, Find(results, 1, RunKind.RandomReinit).Unit.StartHash);
        Assert.All(results.Where(r => r.Unit.Round > 0), r => Assert.Null(r.RewindHash));
        Assert.All(results.Where(r => r.Unit.Round > 0), r => Assert.Equal(30, r.Metrics.Iterations));
        Assert.Equal("rewind-point", SafeTensors.ReadMetadata(File.ReadAllBytes(runner.Store.PathOf(rewind!)))["kind"]);
    }

    [Fact]
    public void DrawInit_is_stored_once_per_seed_and_differs_across_widths()
    {
        var spec = SyntheticSpec.Search() with { Model = SyntheticSpec.Search().Model with { Widths = [0.25, 0.5] } };
        var runner = Runner(spec);

        var first = runner.DrawInit(0);

        Assert.Equal(first, runner.DrawInit(0));
        Assert.NotEqual(first, runner.DrawInit(1));
        Assert.True(runner.Store.Contains(first));
    }

    [Fact]
    public void Dense_mask_keeps_every_weight_and_no_bias()
    {
        var runner = Runner(SyntheticSpec.Search());

        var mask = runner.Store.Get(runner.DenseMask(runner.DrawInit(0)));

        Assert.Equal(["fc1.weight", "fc2.weight", "fc3.weight"], mask.Keys.Order());
        Assert.All(mask.Values, t => Assert.All(t.data<bool>().ToArray(), Assert.True));
        TensorAssert.DisposeAll(mask);
    }
}
