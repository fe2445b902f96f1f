using System.Diagnostics;
using System.Text;

namespace LotteryActors.Benchmarks.Harness;

/// <summary>
/// The real <c>lottery</c> CLI as a child process (lottery.dll next to the caller: the CLI's own folder for a
/// benchmark, the test folder, where the build copies it, for a test), with its stdout and stderr captured line by
/// line so a benchmark or a test can wait for a log line and then kill it.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly object gate = new();

    private CliProcess(Process process) => this.process = process;

    public static CliProcess Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// <param name="environment">Variables to set (a null value removes one) on top of this process's own.</param>
    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lottery.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli.stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli.stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to completion (or throws <see cref="TimeoutException"/> after <paramref name="timeout"/>).</summary>
    public static CliResult Run(TimeSpan timeout, params string[] args) =>
        Run(timeout, new Dictionary<string, string?>(), args);

    public static CliResult Run(TimeSpan timeout, IReadOnlyDictionary<string, string?> environment,
        params string[] args)
    {
        using var cli = Start(environment, args);
        return cli.WaitForExit(timeout);
    }

    public bool HasExited => process.HasExited;

    public string Stdout { get { lock (gate) return stdout.ToString(); } }

    public string Stderr { get { lock (gate) return stderr.ToString(); } }

    /// <summary>Waits until stderr (where logs go) contains <paramref name="text"/>; fails if the process exits first.</summary>
    public void WaitForLog(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"process exited ({process.ExitCode}) before logging '{text}':\n{Stderr}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no '{text}' within {timeout}:\n{Stderr}");
            Thread.Sleep(20);
        }
    }

    /// <summary>SIGTERM, as a service manager stops a process: it shuts down gracefully (a node leaves its cluster).
    /// </summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Whether this process ignores SIGINT, and so every child it starts (an ignored signal stays ignored across
    /// fork and exec): a test run started in the background by a shell without job control (<c>cmd &amp;</c>, as a CI
    /// runner may do) is such a process, and no Ctrl-C can reach its children.
    /// </summary>
    public static bool InterruptIgnored =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
            is { } line && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0;

    /// <summary>SIGINT, as Ctrl-C in a terminal stops a process: for a node, the same graceful stop as SIGTERM.
    /// </summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly what a crash or an OOM kill does.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"lottery {string.Join(' ', process.StartInfo.ArgumentList.Skip(1))} did not finish within {timeout}:\n{Stderr}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, Stdout, Stderr);
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
            return;
        lock (gate)
            buffer.AppendLine(line);
    }

    public void Dispose()
    {
        if (!process.HasExited)
            Kill();
        process.Dispose();
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The lines addressed to the user as errors; log lines on stderr are not among them.</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
}
