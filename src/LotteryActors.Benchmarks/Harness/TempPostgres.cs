using System.Diagnostics;
using Npgsql;

namespace LotteryActors.Benchmarks.Harness;

/// <summary>
/// A throwaway PostgreSQL 15 server in a temp folder on 127.0.0.1 (Debian's binaries, which deploy/setup.sh
/// installs), for a benchmark that needs the cluster's real journal and for tests, which can stop and start it
/// again: the journal database going away mid-search, for real. As root (CI) the server runs as the postgres user,
/// which PostgreSQL requires.
/// </summary>
public sealed class TempPostgres : IDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-pg-{Guid.NewGuid():N}");

    public TempPostgres()
    {
        Directory.CreateDirectory(folder);
        if (IsRoot)
            Run("chown", "postgres", folder);
        Run(AsServerUser(Path.Combine(Bin, "initdb"), "-D", Data, "-A", "trust", "-U", "postgres"));
        StartOnAFreePort();
    }

    /// <summary>Null where a server can be started; else why not (the skip reason).</summary>
    public static string? WhyNot => File.Exists(Path.Combine(Bin, "initdb"))
        ? null
        : $"PostgreSQL 15 is not installed ({Bin}/initdb is missing)";

    public int Port { get; private set; }

    /// <summary>
    /// Named after this server's folder: Npgsql pools connections by connection string, and a port the OS hands out
    /// again after another server in this process stopped must not bring that server's dead pooled connections along.
    /// </summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Application Name={Path.GetFileName(folder)}";

    /// <summary>Creates an empty database on this server and returns its connection string: starting a server takes
    /// seconds, creating a database a fraction of one.</summary>
    public string NewDatabase()
    {
        var name = $"db_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private string Data => Path.Combine(folder, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public void Start() => Run(AsServerUser(
        Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(folder, "log"),
        "-o", $"-p {Port} -k {folder} -c listen_addresses=127.0.0.1", "-w", "start"));

    /// <summary>
    /// Starts the server on a port free a moment ago: another process (test assemblies run side by side) may bind it
    /// first, and then another port is tried. A restart (<see cref="Start"/>) keeps the port its clients know.
    /// </summary>
    private void StartOnAFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            try
            {
                Start();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3
                && File.ReadAllText(Path.Combine(folder, "log")).Contains("Address already in use"))
            {
                File.Delete(Path.Combine(folder, "log"));
            }
        }
    }

    /// <summary>An immediate shutdown: open connections break, as when a database server dies.</summary>
    public void Stop() => Run(AsServerUser(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop"));

    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test.
        }
        Directory.Delete(folder, recursive: true);
    }

    private static string[] AsServerUser(params string[] command) =>
        IsRoot ? ["runuser", "-u", "postgres", "--", .. command] : command;

    /// <summary>Runs a command to its end (a PostgreSQL tool, say); a non-zero exit throws with its output.</summary>
    public static void Run(params string[] command)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command[1..])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed: {error}{output.Result}");
    }
}
