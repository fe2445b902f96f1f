using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// A config file that cannot be read as settings at all: broken syntax, a missing include, a root other than
/// <c>lottery</c>, nothing set. <see cref="SpecException.Key"/> is where: <c>file:line:column</c>, or the file.
/// </summary>
public sealed class ConfigFileException(string location, string problem)
    : SpecException(location, $"{location}: {problem}", inner: null);
