namespace LotteryActors.Training.Spec;

/// <summary>How many examples a dataset's training and test files hold, before subsets and validation split.</summary>
public sealed record DatasetSize(int Train, int Test);
