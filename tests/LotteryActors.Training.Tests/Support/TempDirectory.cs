namespace LotteryActors.Training.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lottery-tests-{Guid.NewGuid():N}");

    public string Write(string name, byte[] contents)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, contents);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
