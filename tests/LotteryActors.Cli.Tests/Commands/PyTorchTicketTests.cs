using System.Diagnostics;
using System.Text.Json;
using LotteryActors.Cli.Tests.Support;

namespace LotteryActors.Cli.Tests.Commands;

/// <summary>
/// The PyTorch example (deploy/pytorch/retrain_ticket.py, run by Debian's python3-torch) on a ticket exported by the
/// real CLI: from card.json and the safetensors files alone it rebuilds the net, normalises the test split and
/// evaluates the round's trained weights to the card's test accuracy, and it retrains the ticket with the card's
/// recipe.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class PyTorchTicketTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "pytorch", "retrain_ticket.py");

    private readonly SearchWorkspace workspace = new("""
        lottery.search.pruning.rounds = 1
        lottery.search.controls { random-reinit = false, random-mask = false }
        """);

    public void Dispose() => workspace.Dispose();

    [PyTorchFact]
    public void PyTorch_gets_the_cards_test_accuracy_from_the_exported_trained_weights_and_retrains_the_ticket()
    {
        var search = CliProcess.Run(Limit, "search", "--config", workspace.ConfigPath, "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        var folder = Path.Combine(workspace.Home, "ticket");
        var export = CliProcess.Run(Limit, "export", SearchJson.SearchId(search.Stdout), "w0-t1", "--round", "1",
            "--out", folder, "--trained", "--config", workspace.ConfigPath);
        Assert.True(export.ExitCode == 0, export.Stderr);
        using var card = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "card.json")));
        var cardAccuracy = card.RootElement.GetProperty("Metrics").GetProperty("TestAccuracy").GetDouble();

        var trained = Python(folder, "--weights", "trained");
        var retrained = Python(folder, "--retrain", "--seed", "1");

        Assert.Equal(cardAccuracy, trained.GetProperty("test_accuracy").GetDouble(), 1e-3);
        Assert.Equal(cardAccuracy, trained.GetProperty("card_test_accuracy").GetDouble());
        // One epoch on 3,000 images from the ticket's init: far above chance (0.1) when the inputs, layers and mask
        // are what the card says; a wrong normalisation or layer order leaves it near chance.
        Assert.InRange(retrained.GetProperty("test_accuracy").GetDouble(), 0.6, 1.0);
    }

    private static JsonElement Python(string folder, params string[] args)
    {
        var info = new ProcessStartInfo(PyTorchFactAttribute.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Script, folder, "--json", .. args])
            info.ArgumentList.Add(arg);
        using var python = Process.Start(info)!;
        var stderr = python.StandardError.ReadToEndAsync();
        var stdout = python.StandardOutput.ReadToEnd();
        Assert.True(python.WaitForExit(Limit), "the PyTorch script did not finish");
        Assert.True(python.ExitCode == 0, stderr.Result);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
