namespace LotteryActors.Training.Rounds;

/// <summary>The training loss stopped being a finite number: the run diverged and its weights are meaningless.</summary>
public sealed class DivergenceException(int iteration, double loss)
    : Exception($"training diverged at iteration {iteration}: loss is {loss}")
{
    public int Iteration { get; } = iteration;
}
