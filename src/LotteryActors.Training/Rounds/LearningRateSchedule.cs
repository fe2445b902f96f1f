using LotteryActors.Training.Spec;

namespace LotteryActors.Training.Rounds;

/// <summary>Linear warm-up, then the base rate, multiplied by gamma at each milestone passed (step schedule).</summary>
public sealed class LearningRateSchedule(TrainingRecipe recipe, int iterationsPerEpoch)
{
    private readonly int warmup = recipe.Warmup.ToIterations(iterationsPerEpoch);
    private readonly int[] milestones = recipe.Milestones.Select(m => m.ToIterations(iterationsPerEpoch)).Order().ToArray();

    public double At(int iteration)
    {
        var lr = recipe.LearningRate;
        if (warmup > 0 && iteration < warmup)
            lr *= (iteration + 1.0) / warmup;
        if (recipe.LrSchedule == LrSchedule.Step)
            lr *= Math.Pow(recipe.Gamma, milestones.Count(m => m <= iteration));
        return lr;
    }
}
