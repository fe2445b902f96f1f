using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Dashboard;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>serve [--urls ...]</c>: the live dashboard and <c>/metrics</c> over this node's journal, read-only, while
/// searches run in other processes or on other machines. Runs until Ctrl+C.
/// </summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';' between addresses; off loopback it needs "
                + DashboardAccess.TokenVariable,
            DefaultValueFactory = _ => DefaultUrls,
        };
        var command = new Command("serve", "Serve the live dashboard, its JSON API and /metrics") { config, urls };
        command.SetAction((parse, cancel) => CommandRunner.RunAsync(async () =>
        {
            var addresses = parse.GetValue(urls)!.Split(';',
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // Refused before anything starts or is written: the one line, exit 2.
            DashboardAccess.RequiredToken(addresses, Environment.GetEnvironmentVariable(DashboardAccess.TokenVariable));
            var setup = CommandSetup.Load(parse.GetValue(config));
            await DashboardServer.RunAsync(setup.Runtime, CommandSetup.AkkaOverrides, addresses,
                Environment.GetEnvironmentVariable(DashboardAccess.TokenVariable), cancel);
            return ExitCodes.Success;
        }));
        return command;
    }
}
