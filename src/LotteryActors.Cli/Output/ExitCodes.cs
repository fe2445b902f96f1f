namespace LotteryActors.Cli.Output;

/// <summary>Process exit codes, stable for scripts. The README's table lists the same codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>An unexpected failure: a bug. The log file has the stack trace.</summary>
    public const int Failure = 1;
    /// <summary>Bad configuration, arguments or input data: nothing was started or changed.</summary>
    public const int BadInput = 2;
    /// <summary>Another process holds the search.</summary>
    public const int Busy = 3;
    /// <summary>The search completed, but some of its tickets failed for scientific reasons (divergence).</summary>
    public const int TicketsFailed = 4;
    /// <summary>
    /// An environmental fault stopped the work (disk full, read-only home, missing or corrupt artifact, journal
    /// unreadable or unreachable): nothing journaled was lost; fix the cause and resume.
    /// </summary>
    public const int Environment = 5;
    /// <summary><c>verify</c> found missing or corrupt artifacts (or <c>--repair</c> could not restore all of them).</summary>
    public const int VerifyFailed = 6;
    /// <summary>
    /// This machine's copy of the dataset is not the one the search recorded (its fingerprint differs): nothing was
    /// trained or written; point <c>lottery.search.dataset.path</c> at the same files.
    /// </summary>
    public const int WrongDataset = 7;
}
