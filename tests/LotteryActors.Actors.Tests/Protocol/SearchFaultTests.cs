using LotteryActors.Actors.Protocol;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Rounds;
using LotteryActors.Training.Spec;
using Microsoft.Data.Sqlite;

namespace LotteryActors.Actors.Tests.Protocol;

/// <summary>The classification that decides whether a failure is a ticket's fate, the machine's, or a bug.</summary>
public sealed class SearchFaultTests
{
    /// <summary>How an actor's failure reaches a supervisor: the cause wrapped by whatever reports it.</summary>
    private static Exception Wrapped(Exception cause) => new InvalidOperationException("w0-t1 failed", cause);

    [Fact]
    public void A_diverged_run_is_scientific_even_when_a_trainer_wraps_it()
    {
        var diverged = new DivergenceException(40, double.NaN);
        var fault = SearchFault.Of(Wrapped(diverged));
        Assert.Equal(FaultKind.Scientific, fault.Kind);
    }

    public static TheoryData<Exception> EnvironmentalCauses => new()
    {
        new IOException("No space left on device : '/disk/a.tmp'"),
        new UnauthorizedAccessException("Access to the path '/home' is denied."),
        new CorruptArtifactException("artifact /a/b.safetensors is corrupt"),
        new SqliteException("SQLite Error 26: 'file is not a database'.", 26),
        new JournalUnavailableException("the journal did not answer in time"),
        new AggregateException(new InvalidOperationException("wrapper", new IOException("Read-only file system"))),
    };

    [Theory]
    [MemberData(nameof(EnvironmentalCauses))]
    public void Io_artifact_and_journal_failures_anywhere_in_the_chain_are_environmental(Exception cause)
    {
        var fault = SearchFault.Of(Wrapped(cause));
        Assert.Equal(FaultKind.Environmental, fault.Kind);
        Assert.DoesNotContain("\n", fault.Cause);
    }

    [Fact]
    public void Anything_else_is_a_bug_named_by_its_innermost_exception()
    {
        var fault = SearchFault.Of(Wrapped(new KeyNotFoundException("w0-t9")));
        Assert.Equal(FaultKind.Bug, fault.Kind);
        Assert.Equal("KeyNotFoundException: w0-t9", fault.Cause);
    }

    [Fact]
    public void The_cause_of_an_environmental_fault_is_the_message_that_names_the_path()
    {
        var fault = SearchFault.Of(new IOException("No space left on device : '/disk/a.tmp'"));
        Assert.Equal("No space left on device : '/disk/a.tmp'", fault.Cause);
    }
}
