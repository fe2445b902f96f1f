using LotteryActors.Training.Stability;

namespace LotteryActors.Training.Tests.Stability;

/// <summary>The barrier rule on errors written down by hand.</summary>
public sealed class ErrorBarrierTests
{
    private static readonly double[] Quarters = [0, 0.25, 0.5, 0.75, 1];

    [Fact]
    public void Points_are_evenly_spaced_and_end_exactly_at_0_and_1()
    {
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], ErrorBarrier.Points(5));
        var eleven = ErrorBarrier.Points(11);
        Assert.Equal(11, eleven.Count);
        Assert.Equal(0.3, eleven[3]);
        Assert.Equal(1.0, eleven[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBarrier.Points(1));
    }

    [Fact]
    public void Identical_networks_give_a_flat_line_and_no_barrier()
    {
        var curve = ErrorBarrier.Of(Quarters, [0.2, 0.2, 0.2, 0.2, 0.2]);

        Assert.Equal(0, curve.Barrier);
        Assert.Equal(0, curve.MeanBarrier);
        Assert.Equal(0, curve.PeakAlpha);
    }

    [Fact]
    public void Errors_on_or_below_the_chord_give_no_barrier()
    {
        // Exactly the chord from 0.125 to 0.625 (binary fractions, so "exactly" holds in doubles), then a convex
        // bowl under the chord from 0.1 to 0.3: neither rises above the line.
        Assert.Equal(0, ErrorBarrier.Of(Quarters, [0.125, 0.25, 0.375, 0.5, 0.625]).Barrier);
        var bowl = Quarters.Select(a => 0.2 * a + 0.4 * (a - 0.5) * (a - 0.5)).ToList();
        Assert.Equal(0, ErrorBarrier.Of(Quarters, bowl).Barrier);
        // Above the ends' mean (0.2), though, the worse end itself stands half the ends' gap high.
        Assert.Equal(0.1, ErrorBarrier.Of(Quarters, bowl).MeanBarrier, 12);
    }

    [Fact]
    public void A_bump_is_measured_above_the_chord_and_above_the_ends_mean()
    {
        // Chord: 0.1, 0.15, 0.2, 0.25, 0.3; rises: 0, 0.25, 0.1, 0.1, 0. Ends' mean 0.2, highest error 0.4.
        var curve = ErrorBarrier.Of(Quarters, [0.1, 0.4, 0.3, 0.35, 0.3]);

        Assert.Equal(0.25, curve.Barrier, 12);
        Assert.Equal(0.25, curve.PeakAlpha);
        Assert.Equal(0.2, curve.MeanBarrier, 12);
    }

    [Fact]
    public void A_line_that_is_not_from_0_to_1_in_increasing_steps_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ErrorBarrier.Of([0, 0.5, 1], [0.1, 0.2]));
        Assert.Throws<ArgumentException>(() => ErrorBarrier.Of([0.1, 0.5, 1], [0.1, 0.2, 0.3]));
        Assert.Throws<ArgumentException>(() => ErrorBarrier.Of([0, 0.5, 0.9], [0.1, 0.2, 0.3]));
        Assert.Throws<ArgumentException>(() => ErrorBarrier.Of([0, 0.5, 0.5, 1], [0.1, 0.2, 0.2, 0.3]));
    }
}
