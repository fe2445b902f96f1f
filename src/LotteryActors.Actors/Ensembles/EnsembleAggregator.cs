using Akka.Actor;
using Akka.Event;
using LotteryActors.Actors.Diagnostics;
using LotteryActors.Actors.Tickets;

namespace LotteryActors.Actors.Ensembles;

/// <summary>
/// Evaluates a search's planned ensemble levels (<see cref="EnsembleEvaluation"/>). Runs on a trainer thread (it
/// evaluates networks) and answers once with the report.
/// </summary>
public sealed class EnsembleAggregator : ReceiveActor
{
    public sealed record Evaluate(IReadOnlyList<EnsembleMembers> Levels);

    public sealed record Evaluated(Protocol.EnsembleReport Report);

    public EnsembleAggregator(TrainingNode node)
    {
        var log = Context.SearchLogger(node.Runner.Spec.SearchId);
        Receive<Evaluate>(request =>
        {
            var report = EnsembleEvaluation.Evaluate(node.Runner, request.Levels);
            log.Info("ensembles evaluated at {Levels} levels", report.Levels.Count);
            Sender.Tell(new Evaluated(report));
            Context.Stop(Self);
        });
    }

    public static Props Props(TrainingNode node) =>
        Akka.Actor.Props.Create(() => new EnsembleAggregator(node)).WithDispatcher(TrainingNode.TrainerDispatcher);
}
