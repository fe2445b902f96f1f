namespace LotteryActors.Training.Data;

/// <summary>A dataset file is missing, truncated or not in the format its name promises.</summary>
public sealed class DatasetFormatException(string message) : Exception(message);
