namespace LotteryActors.Actors.Persistence;

/// <summary>
/// One process per search and database: an exclusive OS file lock in the runtime home. The kernel drops the lock
/// when the holder dies, kill -9 included, so a crashed search never blocks its own resume.
/// </summary>
public sealed class SearchLock : IDisposable
{
    private readonly FileStream file;

    private SearchLock(FileStream file) => this.file = file;

    public static SearchLock Acquire(string home, string searchId)
    {
        var directory = Path.Combine(home, "locks");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"search-{searchId}.lock");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new SearchBusyException(
                $"search {searchId} is already running in another process (lock {path}); wait for it or stop it first");
        }
        file.SetLength(0);
        using (var writer = new StreamWriter(file, leaveOpen: true))
            writer.Write(Environment.ProcessId);
        file.Flush(flushToDisk: true);
        return new SearchLock(file);
    }

    public void Dispose() => file.Dispose();
}

public sealed class SearchBusyException(string message) : Exception(message);
