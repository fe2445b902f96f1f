using LotteryActors.Actors.Persistence;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The search lock tells "another process holds it" (busy) from "it cannot be created" (the machine's fault), and
/// status probes it without creating anything.
/// </summary>
public sealed class SearchLockTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"lottery-lock-{Guid.NewGuid():N}");

    [Fact]
    public void A_held_lock_refuses_a_second_holder_as_busy_and_the_probe_sees_it_held()
    {
        using (SearchLock.Acquire(home, "abc"))
        {
            var busy = Assert.Throws<SearchBusyException>(() => SearchLock.Acquire(home, "abc"));
            Assert.Contains("already running in another process", busy.Message);
            Assert.True(SearchLock.IsHeld(home, "abc"));
        }
        Assert.False(SearchLock.IsHeld(home, "abc"));
        using (SearchLock.Acquire(home, "abc"))
            Assert.True(SearchLock.IsHeld(home, "abc"));
    }

    [Fact]
    public void Probing_a_search_that_never_ran_creates_nothing()
    {
        Assert.False(SearchLock.IsHeld(home, "abc"));
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public void A_lock_that_cannot_be_created_is_an_io_fault_naming_the_path_not_busy()
    {
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "locks"), "a file where the lock folder belongs");

        var fault = Assert.Throws<IOException>(() => SearchLock.Acquire(home, "abc"));

        Assert.Contains(SearchLock.PathFor(home, "abc"), fault.Message);
        Assert.Contains("cannot create or open the lock file", fault.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(home))
            Directory.Delete(home, recursive: true);
    }
}
