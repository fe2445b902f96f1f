namespace LotteryActors.Training.Data;

/// <summary>
/// How <see cref="DatasetLoader"/> turns pixels into inputs: x = (pixel / 255 - Mean[c]) / Std[c] for channel c, where
/// Mean and Std (the population standard deviation) are taken over every pixel of channel c of the fit split, the
/// first <see cref="Fit"/> examples of the training file. Validation is the next <see cref="Validation"/> examples of
/// that file; test the first <see cref="Test"/> of the test file. <see cref="Fingerprint"/> names the files.
/// </summary>
public sealed record PixelNormalisation(
    float[] Mean, float[] Std, long[] ExampleShape, int Fit, int Validation, int Test, string Fingerprint);
