namespace LotteryActors.Training.Artifacts;

/// <summary>An artifact is missing, or its bytes no longer hash to its name: it must not be used.</summary>
public sealed class CorruptArtifactException(string message) : Exception(message);
