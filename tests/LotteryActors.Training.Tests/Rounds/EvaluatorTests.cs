using LotteryActors.Training.Data;
using LotteryActors.Training.Models;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using LotteryActors.Training.Tests.Support;
using static TorchSharp.torch;

namespace LotteryActors.Training.Tests.Rounds;

public sealed class EvaluatorTests
{
    [Fact]
    public void Logits_cover_every_example_across_batches_and_restore_training_mode()
    {
        using var data = SyntheticData.Splits(train: 2, validation: 2, test: 2500);
        using var network = NetworkFactory.Create(ModelFamily.Lenet300100, 0.25, SyntheticData.ExampleShape, SyntheticData.Classes);
        network.train();

        using var logits = Evaluator.Logits(network, data.Test);
        using var direct = network.forward(data.Test.Images);

        Assert.Equal([2500, 10], logits.shape);
        Assert.True(logits.allclose(direct, rtol: 0, atol: 1e-5));
        Assert.True(network.training);
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_argmax_hits_and_loss_is_mean_cross_entropy()
    {
        using var network = NetworkFactory.Create(ModelFamily.Lenet300100, 0.25, SyntheticData.ExampleShape, SyntheticData.Classes);
        using var data = SyntheticData.Splits(train: 2, validation: 2, test: 300);
        using var logits = Evaluator.Logits(network, data.Test);
        using var hits = logits.argmax(1).eq(data.Test.Labels);
        using var loss = nn.functional.cross_entropy(logits, data.Test.Labels);

        var evaluation = Evaluator.Evaluate(network, data.Test);

        Assert.Equal(TensorAssert.Values(hits.to(ScalarType.Float32)).Count(h => h == 1f) / 300.0, evaluation.Accuracy);
        Assert.Equal(loss.item<float>(), evaluation.Loss, 5);
    }
}
