using LotteryActors.Training.Imp;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Search;

/// <summary>One run flattened for JSON and CSV readers.</summary>
public sealed record RunRow(
    string Ticket, int Round, string Kind, double Density, double TestAccuracy, double TestAccuracyAtEarlyStop,
    double ValidationAccuracy, int EarlyStopIteration, int Iterations, string WeightsHash, string MaskHash)
{
    public static RunRow From(RunResult r) => new(r.Unit.Ticket.ToString(), r.Unit.Round, SpecNames.Of(r.Unit.Kind), r.Density,
        r.Metrics.TestAccuracy, r.Metrics.TestAccuracyAtEarlyStop, r.Metrics.ValidationAccuracy, r.Metrics.EarlyStopIteration,
        r.Metrics.Iterations, r.WeightsHash, r.Unit.MaskHash);
}
