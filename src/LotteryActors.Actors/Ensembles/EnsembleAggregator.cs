using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Protocol;
using LotteryActors.Actors.Tickets;
using LotteryActors.Training.Ensembles;
using LotteryActors.Training.Imp;

namespace LotteryActors.Actors.Ensembles;

/// <summary>
/// Ensembles the finished tickets of a search, level by level: for each width and round, all tickets' runs at that
/// round are members. Runs on a trainer thread (it evaluates networks) and answers once with the report.
/// </summary>
public sealed class EnsembleAggregator : ReceiveActor
{
    public sealed record Evaluate(IReadOnlyList<RunResult> TicketRuns);

    public sealed record Evaluated(EnsembleReport Report);

    public EnsembleAggregator(TrainingNode node)
    {
        var spec = node.Runner.Spec;
        var log = Context.SearchLogger(spec.SearchId);
        Receive<Evaluate>(request =>
        {
            var levels = new List<EnsembleLevel>();
            foreach (var width in request.TicketRuns.GroupBy(r => r.Unit.Ticket.WidthIndex).OrderBy(g => g.Key))
            {
                var dense = width.Where(r => r.Unit.Round == 0).Select(r => r.Metrics.TestAccuracy).DefaultIfEmpty(double.NaN).Average();
                foreach (var round in width.GroupBy(r => r.Unit.Round).OrderBy(g => g.Key))
                {
                    var members = round.OrderBy(r => r.Unit.Ticket.Index)
                        .Select(r => MemberOutputs.Compute(node.Runner, spec.Model.Widths[width.Key], r.WeightsHash)).ToList();
                    try
                    {
                        var scores = EnsembleScores.Of(members, node.Runner.Data);
                        levels.Add(new EnsembleLevel(width.Key, spec.Model.Widths[width.Key], round.Key, round.Average(r => r.Density), scores, dense));
                    }
                    finally
                    {
                        members.ForEach(m => m.Dispose());
                    }
                }
            }
            log.Info("ensembles evaluated at {Levels} levels", levels.Count);
            Sender.Tell(new Evaluated(new EnsembleReport(levels)));
            Context.Stop(Self);
        });
    }

    public static Props Props(TrainingNode node) =>
        Akka.Actor.Props.Create(() => new EnsembleAggregator(node)).WithDispatcher(TrainingNode.TrainerDispatcher);
}
