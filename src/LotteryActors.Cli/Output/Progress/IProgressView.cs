namespace LotteryActors.Cli.Output.Progress;

/// <summary>Where a search's progress is shown: a live view on a terminal, or log lines elsewhere.</summary>
public interface IProgressView
{
    void Show(ProgressSnapshot snapshot);

    /// <summary>The search is over; a view that stays on screen shows its last state.</summary>
    void Close(ProgressSnapshot last)
    {
    }

    /// <summary>A duration as a person reads an ETA: 4:07, or 1:02:30 past the hour.</summary>
    static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";
}
