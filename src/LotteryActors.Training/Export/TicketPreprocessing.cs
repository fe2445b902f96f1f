namespace LotteryActors.Training.Export;

/// <summary>
/// How the ticket's inputs were made from the dataset's files (<see cref="Data.PixelNormalisation"/>): apply
/// <see cref="Formula"/> with <see cref="Mean"/> and <see cref="Std"/> per channel, to the examples each split names.
/// The constants were taken over the Fit split; <see cref="Fingerprint"/> names the files they were taken from.
/// </summary>
public sealed record TicketPreprocessing(
    string Dataset,
    long[] ExampleShape,
    string Formula,
    float[] Mean,
    float[] Std,
    string StatisticsOver,
    IReadOnlyDictionary<string, TicketDataSlice> Splits,
    string Fingerprint);

/// <summary>Examples [Start, Start + Count) of the dataset's <c>train</c> or <c>test</c> file, in file order.</summary>
public sealed record TicketDataSlice(string File, int Start, int Count);
