using Serilog;

namespace LotteryActors.Cli.Output.Progress;

/// <summary>
/// Progress where nobody watches a live view (CI, pipes, --json): one line now and then, through the log, so it
/// also reaches the file and Seq. Finished runs are the coordinator's own lines; this adds the overall pace.
/// </summary>
public sealed class ProgressLog(ILogger log) : IProgressView
{
    public void Show(ProgressSnapshot s)
    {
        if (s.Total == 0)
            return;
        if (s is { Eta: { } eta, ExamplesPerSecond: { } rate })
            log.Information("progress: {Done}/{Total} runs, {Running} running, {ExamplesPerSecond:F0} examples/s, " +
                            "ETA {Eta}", s.Done, s.Total, s.Running.Count, rate, IProgressView.Clock(eta));
        else
            log.Information("progress: {Done}/{Total} runs, {Running} running", s.Done, s.Total, s.Running.Count);
    }
}
