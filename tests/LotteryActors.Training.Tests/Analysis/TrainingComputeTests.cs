using LotteryActors.Training.Analysis;

namespace LotteryActors.Training.Tests.Analysis;

public sealed class TrainingComputeTests
{
    [Fact]
    public void A_ticket_at_round_r_has_paid_r_plus_one_rounds_of_training_when_rewound_to_init() =>
        Assert.Equal(7 * 3.0, TrainingCompute.TicketEpochs(round: 6, roundIterations: 300, rewindIteration: 0,
            iterationsPerEpoch: 100));

    [Fact]
    public void Late_rewinding_saves_the_rewound_part_of_every_later_round() =>
        // Round 0 in full (3 epochs), then two rounds from iteration 50: 2 x 2.5 epochs.
        Assert.Equal(3 + 2 * 2.5, TrainingCompute.TicketEpochs(2, 300, 50, 100));

    [Fact]
    public void A_dense_net_costs_the_epochs_it_actually_trained() =>
        Assert.Equal(12.5, TrainingCompute.Epochs(1250, 100));
}
