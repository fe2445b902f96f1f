using System.Diagnostics;
using Akka.Configuration;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cluster.Coordinator;
using LotteryActors.Cluster.Hosting;
using LotteryActors.Training.Spec;

namespace LotteryActors.Benchmarks.Actors;

/// <summary>
/// How long a node takes from process start to the first training step of a resumed search: runtime start, dataset
/// load, actor system, journal recovery and re-dispatch. <see cref="InterruptAsync"/> leaves a search stopped after
/// its first journaled run; a fresh process then calls <see cref="TimeToFirstStepAsync"/> on the same home.
/// </summary>
public static class ResumeBenchmark
{
    /// <summary>A one-ticket, two-round search of <paramref name="iterations"/> iterations a run, stopped as soon as
    /// its second run starts (so the first is journaled); returns the search id.</summary>
    public static async Task<string> InterruptAsync(SearchSpec baseSpec, RuntimeSettings runtime,
        Config? akkaOverrides, int iterations, CancellationToken cancel)
    {
        var spec = baseSpec with
        {
            Name = "bench-resume",
            Model = baseSpec.Model with { Widths = [baseSpec.Model.Widths[0]] },
            TicketsPerWidth = 1,
            Training = baseSpec.Training with { Duration = new Duration(iterations, DurationUnit.Iterations) },
            Pruning = baseSpec.Pruning with { Rounds = 1, Rewind = Duration.Zero },
            Controls = new ControlsSpec(RandomReinit: false, RandomMask: false),
        };
        using var secondRun = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await OneNodeSearch.RunAsync(spec, runtime, akkaOverrides, system => ProgressEvents.Watch(system,
                p => { if (p.Unit.Round > 0) secondRun.Cancel(); }), secondRun.Token);
            throw new InvalidOperationException("the resume benchmark's search finished before it could be stopped");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return spec.SearchId;
        }
    }

    /// <summary>Resumes <paramref name="searchId"/> and stops at its first step; seconds since this process began.
    /// </summary>
    public static async Task<double> TimeToFirstStepAsync(RuntimeSettings runtime, Config? akkaOverrides,
        string searchId, CancellationToken cancel)
    {
        var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        SearchSpec spec;
        await using (var reader = new JournaledSearches(runtime, akkaOverrides))
        {
            spec = (await reader.ReadAsync(searchId)).Spec
                   ?? throw new InvalidOperationException($"no search '{searchId}' in {runtime.Home}");
        }
        var firstStep = double.NaN;
        using var started = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await OneNodeSearch.RunAsync(spec, runtime, akkaOverrides, system => ProgressEvents.Watch(system, _ =>
            {
                if (double.IsNaN(firstStep))
                    firstStep = (DateTime.UtcNow - processStart).TotalSeconds;
                started.Cancel();
            }), started.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
        }
        return double.IsNaN(firstStep)
            ? throw new InvalidOperationException($"search '{searchId}' had nothing left to train")
            : firstStep;
    }
}
