using System.Data.Common;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Rounds;

namespace LotteryActors.Actors.Protocol;

/// <summary>Why work failed; the kind decides whether the failure is the ticket's fate or the search's stop.</summary>
public enum FaultKind
{
    /// <summary>The science failed (a diverged run): journaled as the ticket's fate, and the search goes on.</summary>
    Scientific,

    /// <summary>
    /// The machine failed (I/O, a full disk, a corrupt or missing artifact, the journal): retried with backoff, then
    /// the search stops. Never journaled, so fixing the cause and resuming continues the search.
    /// </summary>
    Environmental,

    /// <summary>
    /// This node's copy of the dataset is not the one the search recorded: nothing is trained or journaled, and
    /// retrying cannot help until the node points at the same files.
    /// </summary>
    WrongDataset,

    /// <summary>
    /// An exception nobody expected. Retried like an environmental fault (it may be a race), then the search stops;
    /// never journaled as a ticket's fate, because a bug says nothing about the ticket.
    /// </summary>
    Bug,
}

/// <summary>What stopped (or would stop) a search: its kind and its cause in one line a person can act on.</summary>
public sealed record SearchFault(FaultKind Kind, string Cause)
{
    /// <summary>Classifies an exception by the first recognised cause in its chain of inner exceptions.</summary>
    public static SearchFault Of(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case DivergenceException:
                    return new SearchFault(FaultKind.Scientific, e.Message);
                case DatasetMismatchException:
                    return new SearchFault(FaultKind.WrongDataset, e.Message);
                case IOException or UnauthorizedAccessException or CorruptArtifactException or DbException
                    or JournalUnavailableException or Akka.Pattern.OpenCircuitException:
                    return new SearchFault(FaultKind.Environmental, e.Message);
            }
        }
        var root = Chain(exception).Last();
        return new SearchFault(FaultKind.Bug, $"{root.GetType().Name}: {root.Message}");
    }

    /// <summary>The exception and its causes, outermost first (an aggregate gives its first inner exception).</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = Inner(e))
            yield return e;
    }

    private static Exception? Inner(Exception e) =>
        e is AggregateException a ? a.InnerExceptions.FirstOrDefault() : e.InnerException;
}

/// <summary>The journal cannot be opened, read or written: a corrupt file, a database that is not there.</summary>
public sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>This node's dataset differs from the one the search recorded (<see cref="FaultKind.WrongDataset"/>).
/// </summary>
public sealed class DatasetMismatchException(string message) : Exception(message);

/// <summary>The search stopped before it completed; <see cref="Fault"/> says why, and whether resuming helps.</summary>
public sealed class SearchHaltedException(SearchFault fault) : Exception(fault.Cause)
{
    public SearchFault Fault { get; } = fault;
}
