namespace LotteryActors.Actors.Persistence;

/// <summary>
/// One process per search and database: an exclusive OS file lock in the runtime home. The kernel drops the lock
/// when the holder dies, kill -9 included, so a crashed search never blocks its own resume.
/// </summary>
public sealed class SearchLock : IDisposable
{
    // What .NET reports when another holds the lock: EWOULDBLOCK from flock on Unix, a sharing violation on Windows.
    private static readonly int[] HeldElsewhere = [11, unchecked((int)0x80070020)];

    private readonly FileStream file;

    private SearchLock(FileStream file) => this.file = file;

    public static string PathFor(string home, string searchId) =>
        Path.Combine(home, "locks", $"search-{searchId}.lock");

    public static SearchLock Acquire(string home, string searchId)
    {
        var path = PathFor(home, searchId);
        FileStream file;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (HeldElsewhere.Contains(e.HResult))
        {
            throw new SearchBusyException(
                $"search {searchId} is already running in another process (lock {path}); wait for it or stop it first");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot create or open the lock file {path}: {e.Message}", e);
        }
        file.SetLength(0);
        using (var writer = new StreamWriter(file, leaveOpen: true))
            writer.Write(Environment.ProcessId);
        file.Flush(flushToDisk: true);
        return new SearchLock(file);
    }

    /// <summary>
    /// Whether a process holds the search now. Creates nothing: with no lock file, no process has ever held it.
    /// The probe takes the lock for an instant, so it is for <c>status</c>, not for deciding who may run.
    /// </summary>
    public static bool IsHeld(string home, string searchId)
    {
        var path = PathFor(home, searchId);
        if (!File.Exists(path))
            return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException e) when (HeldElsewhere.Contains(e.HResult))
        {
            return true;
        }
    }

    public void Dispose() => file.Dispose();
}

public sealed class SearchBusyException(string message) : Exception(message);
