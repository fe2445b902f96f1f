using System.CommandLine;
using LotteryActors.Cli.Commands;

var root = new RootCommand("LotteryActors: concurrent lottery-ticket search with actors")
{
    TrainTicketCommand.Create(),
};
return root.Parse(args).Invoke();
