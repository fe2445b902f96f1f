using LotteryActors.Actors.Persistence;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Artifacts;
using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// Turns the failures a user can fix into one line on stderr and a distinct exit code; anything else is a bug and
/// is logged with its stack.
/// </summary>
public static class CommandRunner
{
    public static int Run(Func<int> body) => RunAsync(() => Task.FromResult(body())).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is SpecException or DatasetFormatException or CorruptArtifactException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (SearchBusyException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Busy;
        }
        catch (Exception e)
        {
            Log.Fatal(e, "unexpected failure");
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }
}
