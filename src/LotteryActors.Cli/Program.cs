using System.CommandLine;
using LotteryActors.Cli.Commands;
using LotteryActors.Cli.Output;
using LotteryActors.Cli.Reanalysis;

Results.Claim();

var root = new RootCommand("LotteryActors: concurrent lottery-ticket search with actors")
{
    SearchCommand.Search(),
    SearchCommand.Resume(),
    StatusCommand.Create(),
    CompareCommand.Compare(),
    CompareCommand.Report(),
    TrainTicketCommand.Create(),
    BenchCommand.Create(),
    VerifyCommand.Create(),
    ServeCommand.Create(),
    ExportCommand.Create(),
    NodeCommand.Create(),
    SubmitCommand.Create(),
    NodesCommand.Create(),
    NodeMarkCommand.Drain(),
    NodeMarkCommand.Undrain(),
    NodeMarkCommand.Uncordon(),
    CancelCommand.Create(),
    HeadlinesCommand.Create(),
    StabilityCommand.Create(),
};
var parse = root.Parse(args);
var invocation = new InvocationConfiguration { Output = Results.Out };
if (NodeCommand.HandlesItsOwnSignals(parse))
    invocation.ProcessTerminationTimeout = null;
return parse.Errors.Count > 0 ? UsageError.Report(parse) : parse.Invoke(invocation);
