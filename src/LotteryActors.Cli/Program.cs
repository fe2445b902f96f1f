using System.CommandLine;
using LotteryActors.Cli.Commands;

var root = new RootCommand("LotteryActors: concurrent lottery-ticket search with actors")
{
    SearchCommand.Search(),
    SearchCommand.Resume(),
    StatusCommand.Create(),
    CompareCommand.Compare(),
    CompareCommand.Report(),
    TrainTicketCommand.Create(),
    BenchCommand.Create(),
};
return root.Parse(args).Invoke();
