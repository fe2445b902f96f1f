namespace LotteryActors.Cli.Output;

/// <summary>
/// The process's real standard output, reserved for results (tables, --json). Everything else that writes to
/// <see cref="Console.Out"/> (Akka's fallback logger while an actor system starts or stops, any library) is sent to
/// stderr by <see cref="Claim"/>, so a JSON document on stdout is never interleaved with a log line.
/// </summary>
public static class Results
{
    public static TextWriter Out { get; private set; } = Console.Out;

    public static void Claim()
    {
        Out = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        Console.SetOut(Console.Error);
    }
}
