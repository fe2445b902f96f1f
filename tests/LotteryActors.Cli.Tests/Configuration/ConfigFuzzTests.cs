using System.Text;
using LotteryActors.Actors.Configuration;
using LotteryActors.Cli.Commands;
using LotteryActors.Cli.Tests.Support;
using LotteryActors.Training.Data;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cli.Tests.Configuration;

/// <summary>
/// Seeded mutations of the shipped hocon/*.conf files (truncations, brackets, quotes and commas deleted or doubled,
/// random bytes) go through the loading path the CLI uses. Each one loads to a validated spec or fails with one
/// line naming the problem, within a second and without a runaway allocation; a few go through the real CLI.
/// </summary>
[Collection(nameof(ConfigFuzzTests))]
[Trait("Tier", "EndToEnd")]
public sealed class ConfigFuzzTests : IDisposable
{
    private const int Seed = 20261125;
    private const int MutationsPerFile = 400;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(1);
    private const long MaxBytesPerCase = 64L << 20;
    private const string Structural = "{}[]\",=:";

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-fuzz-{Guid.NewGuid():N}");

    /// <summary>
    /// The unmutated files load, untimed: that also pays the one-time JIT and start-up costs before the clock runs.
    /// </summary>
    public ConfigFuzzTests()
    {
        Directory.CreateDirectory(folder);
        foreach (var original in ShippedConfigs())
            CommandSetup.ReadSpec(CommandSetup.ReadSettings(original).Config);
    }

    private static IEnumerable<string> ShippedConfigs() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hocon"), "*.conf").Order(StringComparer.Ordinal);

    [Fact]
    public void Every_mutation_of_the_shipped_configs_loads_or_fails_with_one_line_quickly()
    {
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();
        foreach (var original in ShippedConfigs())
        {
            var bytes = File.ReadAllBytes(original);
            for (var i = 0; i < MutationsPerFile; i++)
            {
                var (mutation, mutated) = Mutate(bytes, random);
                var path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(original)}-{i}.conf");
                File.WriteAllBytes(path, mutated);
                var outcome = Load(path, $"{Path.GetFileName(original)} #{i} ({mutation})");
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                File.Delete(path);
            }
        }
        // Both kinds must occur, or the mutations are too tame (or too wild) to test anything.
        Assert.True(outcomes.GetValueOrDefault("loaded") > 100, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(ConfigFileException)) > 1000, string.Join(", ", outcomes));
    }

    [Fact]
    public void Mutated_configs_through_the_CLI_exit_with_2_one_line_and_write_nothing()
    {
        var random = new Random(Seed + 1);
        var home = Path.Combine(folder, "home");
        var tried = 0;
        foreach (var original in ShippedConfigs().Take(6))
        {
            var bytes = File.ReadAllBytes(original);
            while (true)
            {
                var (mutation, mutated) = Mutate(bytes, random);
                var path = Path.Combine(folder, $"cli-{tried++}.conf");
                var homeLine = Encoding.UTF8.GetBytes($"\nlottery.runtime.home = \"{home}\"\n");
                File.WriteAllBytes(path, [.. mutated, .. homeLine]);
                if (Load(path, mutation) != nameof(ConfigFileException))
                    continue;
                var expected = ExpectedError(path);

                var result = CliProcess.Run(TimeSpan.FromSeconds(30), "search", "--config", path);

                Assert.True(result.ExitCode == 2, $"{mutation}: exit {result.ExitCode}\n{result.Stderr}");
                Assert.Equal($"error: {expected}", result.Stderr.TrimEnd('\n'));
                Assert.Equal("", result.Stdout);
                Assert.False(Directory.Exists(home), $"{mutation}: {home} was created");
                break;
            }
        }
    }

    /// <summary>Loads like <c>lottery search</c> does before it starts anything; returns the outcome's kind.</summary>
    private static string Load(string path, string what)
    {
        long allocated = 0;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var (config, _, _) = CommandSetup.ReadSettings(path);
                CommandSetup.ReadSpec(config);
            }
            catch (Exception e)
            {
                failure = e;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }) { IsBackground = true };
        worker.Start();
        Assert.True(worker.Join(PerCase), $"{what}: loading took longer than {PerCase}");
        Assert.True(allocated < MaxBytesPerCase, $"{what}: loading allocated {allocated:N0} bytes");
        switch (failure)
        {
            case null:
                return "loaded";
            case SpecException or DatasetFormatException:
                Assert.False(failure.Message.Contains('\n'), $"{what}: a message of several lines: {failure.Message}");
                if (failure is ConfigFileException)
                    Assert.StartsWith(path, failure.Message);
                return failure.GetType().Name;
            default:
                throw new Xunit.Sdk.XunitException($"{what}: {failure.GetType().Name} is no input error: {failure}");
        }
    }

    private static string ExpectedError(string path)
    {
        try
        {
            CommandSetup.ReadSettings(path);
        }
        catch (ConfigFileException e)
        {
            return e.Message;
        }
        throw new InvalidOperationException($"{path} loaded");
    }

    private static (string Mutation, byte[] Bytes) Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        int Structure() =>
            StructuralPositions(bytes) is { Count: > 0 } positions ? positions[random.Next(positions.Count)] : 0;
        switch (random.Next(6))
        {
            case 0:
            {
                var at = random.Next(bytes.Count);
                return ($"truncated at byte {at}", bytes.Take(at).ToArray());
            }
            case 1:
            {
                var at = Structure();
                bytes.RemoveAt(at);
                return ($"'{(char)original[at]}' at byte {at} deleted", bytes.ToArray());
            }
            case 2:
            {
                var at = Structure();
                bytes.Insert(at, bytes[at]);
                return ($"'{(char)original[at]}' at byte {at} doubled", bytes.ToArray());
            }
            case 3:
            {
                var at = random.Next(bytes.Count + 1);
                var c = (byte)Structural[random.Next(Structural.Length)];
                bytes.Insert(at, c);
                return ($"'{(char)c}' inserted at byte {at}", bytes.ToArray());
            }
            case 4:
            {
                var at = random.Next(bytes.Count);
                var b = (byte)random.Next(256);
                bytes[at] = b;
                return ($"byte {at} set to 0x{b:X2}", bytes.ToArray());
            }
            default:
            {
                var at = random.Next(bytes.Count + 1);
                var noise = new byte[random.Next(1, 8)];
                random.NextBytes(noise);
                bytes.InsertRange(at, noise);
                return ($"{noise.Length} random bytes inserted at byte {at}", bytes.ToArray());
            }
        }
    }

    private static List<int> StructuralPositions(List<byte> bytes) =>
        Enumerable.Range(0, bytes.Count).Where(i => Structural.Contains((char)bytes[i])).ToList();

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>The per-case time limit is honest only when no search trains on the same cores meanwhile.</summary>
[CollectionDefinition(nameof(ConfigFuzzTests), DisableParallelization = true)]
public sealed class ConfigFuzzCollection;
