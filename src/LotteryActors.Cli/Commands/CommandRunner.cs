using LotteryActors.Actors.Persistence;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;
using Serilog;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// Turns the failures a user can fix into one line on stderr and a distinct exit code: bad input (2), a busy search
/// (3), an environmental fault (5: fix the cause and resume), another copy of the dataset than the search's (7).
/// Anything else is a bug (1): one line on stderr, and the stack in the log file.
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
        catch (Exception e) when (e is SpecException or DatasetFormatException)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (SearchBusyException e)
        {
            return Fail(e.Message, ExitCodes.Busy);
        }
        catch (DatasetMismatchException e)
        {
            return Fail(e.Message, ExitCodes.WrongDataset);
        }
        catch (SearchHaltedException e)
        {
            return Fail($"the search stopped: {e.Fault.Cause}", CodeOf(e.Fault.Kind));
        }
        catch (Exception e) when (SearchFault.Of(e) is { Kind: FaultKind.Environmental } fault)
        {
            Log.Debug(e, "environmental fault");
            return Fail(fault.Cause, ExitCodes.Environment);
        }
        catch (Exception e)
        {
            Log.Error(e, "unexpected failure");
            return Fail($"unexpected failure (a bug; the log file has the stack): {SearchFault.Of(e).Cause}",
                ExitCodes.Failure);
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }

    private static int CodeOf(FaultKind kind) => kind switch
    {
        FaultKind.Environmental => ExitCodes.Environment,
        FaultKind.WrongDataset => ExitCodes.WrongDataset,
        _ => ExitCodes.Failure,
    };

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }
}
