using System.Diagnostics;

namespace LotteryActors.TestSupport;

/// <summary>
/// A small tmpfs mounted for one test: a disk that really fills up and really turns read-only (root ignores
/// permission bits, so chmod cannot make a read-only home for a test running as root, as CI does).
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private static readonly Lazy<string?> WhyNotMountable = new(Probe);

    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Null when this process may mount a tmpfs; else why not (the skip reason).</summary>
    public static string? WhyNot => WhyNotMountable.Value;

    public static SmallDisk Mount(string size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lottery-disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        var error = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (error is not null)
            throw new InvalidOperationException($"mount tmpfs on {path} failed: {error}");
        return new SmallDisk(path);
    }

    /// <summary>Writes until the disk refuses another byte.</summary>
    public void Fill()
    {
        using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
                file.Write(block);
        }
        catch (IOException)
        {
            // Full in 64 KiB blocks; the byte-sized writes below take what is left.
        }
        try
        {
            while (true)
                file.Write(block, 0, 1);
        }
        catch (IOException)
        {
            // Full to the last byte.
        }
    }

    public void Free() => File.Delete(Filler);

    /// <summary>Gives the disk more room: the fault of a full disk, removed.</summary>
    public void Grow(string size) => Remount($"size={size}");

    public void ReadOnly() => Remount("ro");

    public void Writable() => Remount("rw");

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private void Remount(string options)
    {
        if (Run("mount", "-o", $"remount,{options}", Path) is { } error)
            throw new InvalidOperationException($"remount {options} of {Path} failed: {error}");
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root")
            return $"mounting a tmpfs needs root; this test runs as {Environment.UserName}";
        try
        {
            using var disk = Mount("64k");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"mounting a tmpfs is not permitted here: {e.Message}";
        }
    }

    /// <summary>Runs a command; null on success, else its stderr.</summary>
    private static string? Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Trim();
    }
}

/// <summary>A fact that needs <see cref="SmallDisk"/>: skipped, with the reason, where no tmpfs mounts.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (SmallDisk.WhyNot is { } reason)
            Skip = reason;
    }
}
