namespace LotteryActors.Cli.Output;

/// <summary>Process exit codes, stable for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    /// <summary>Bad configuration, arguments or input data: nothing was started or changed.</summary>
    public const int BadInput = 2;
    /// <summary>Another process holds the search.</summary>
    public const int Busy = 3;
}
