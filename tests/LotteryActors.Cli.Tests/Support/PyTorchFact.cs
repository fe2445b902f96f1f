using System.Diagnostics;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// A fact that needs Debian's PyTorch (python3-torch, which deploy/setup.sh installs) under /usr/bin/python3:
/// skipped, with the reason, where it cannot be imported.
/// </summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> WhyNot = new(Probe);

    public PyTorchFactAttribute()
    {
        if (WhyNot.Value is { } reason)
            Skip = reason;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
            return $"{Python} is not installed";
        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import torch"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0
            ? null
            : $"PyTorch cannot be imported by {Python} (apt-get install python3-torch): {error.Trim()}";
    }
}
