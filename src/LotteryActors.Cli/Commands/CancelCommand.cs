using System.CommandLine;
using LotteryActors.Cli.Output;
using LotteryActors.Training.Spec;
using static LotteryActors.Cluster.Protocol.WorkMessages;

namespace LotteryActors.Cli.Commands;

/// <summary>
/// <c>cancel &lt;search-id&gt;</c>: the cluster stops the search's units everywhere and leases none of them until it
/// is resumed (<c>resume &lt;id&gt;</c>, or <c>submit</c> of the same spec); its journaled runs stay. Journaled, so
/// a coordinator that takes over keeps it; <c>status</c> and the dashboard show it as cancelled. A search the cluster
/// never knew is bad input (exit 2); one already cancelled or complete is told, not an error.
/// </summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("search-id") { Description = "The search to cancel, as `status` lists it" };
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("cancel", "Stop a cluster search's units everywhere (resume continues it)")
        {
            id, config, json,
        };
        command.SetAction((parse, cancellation) => CommandRunner.RunAsync(async () =>
        {
            var searchId = parse.GetValue(id)!;
            var answer = await OperatorClient.AskAsync(parse.GetValue(config),
                client => ClusterClient.Ask<CancelAnswered>(client, new CancelRequested(searchId)), cancellation);
            if (!answer.Known)
                throw new SpecException("search-id", $"no search '{searchId}' on the cluster; `status` lists them");
            if (parse.GetValue(json))
                JsonOutput.Write(new { answer.SearchId, Cancelled = answer.Changed, StoppedUnits = answer.Stopped });
            else
                Results.Out.WriteLine(answer.Changed
                    ? $"{searchId} cancelled: {answer.Stopped} running unit(s) stopped; " +
                      $"`resume {searchId}` continues it"
                    : $"{searchId} was cancelled or complete already");
            return ExitCodes.Success;
        }));
        return command;
    }
}
