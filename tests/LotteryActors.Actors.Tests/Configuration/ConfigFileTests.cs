using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Tests.Configuration;

/// <summary>Files as the CLI loads them: includes, roots, files that set nothing, keys in the wrong shape.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"lottery-config-{Guid.NewGuid():N}");

    public ConfigFileTests() => Directory.CreateDirectory(Path.Combine(folder, "parts"));

    private string Write(string name, string hocon)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, hocon);
        return path;
    }

    [Fact]
    public void Includes_resolve_relative_to_the_including_file_and_merge_at_their_place()
    {
        Write("parts/training.conf", "duration = \"2ep\"\ninclude \"seeds.conf\"\n");
        Write("parts/seeds.conf", "batch-size = 30\n");
        var main = Write("main.conf", """
            lottery.search {
              name = included
              training { include "parts/training.conf" }
            }
            """);

        var spec = SearchSpecReader.Read(LotteryConfig.FromFile(main));

        Assert.Equal(new Duration(2, DurationUnit.Epochs), spec.Training.Duration);
        Assert.Equal(30, spec.Training.BatchSize);
        Assert.Equal("included", spec.Name);
    }

    [Fact]
    public void A_missing_include_is_one_line_naming_the_file_and_where_it_was_included()
    {
        var main = Write("main.conf", "lottery.search.name = x\n  include \"parts/nowhere.conf\"\n");
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(main));
        var missing = Path.Combine(folder, "parts", "nowhere.conf");
        Assert.Equal($"{main}:2:3: included file not found: {missing}", error.Message);
    }

    [Fact]
    public void A_broken_included_file_is_named_with_its_own_line()
    {
        var part = Write("parts/broken.conf", "lottery.search {\n  name = \"x\n}\n");
        var main = Write("main.conf", "include \"parts/broken.conf\"\n");
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(main));
        Assert.StartsWith($"{part}:2:", error.Message);
    }

    [Fact]
    public void A_file_that_includes_itself_is_refused()
    {
        Write("a.conf", "include \"b.conf\"\nlottery.search.name = a\n");
        Write("b.conf", "include \"a.conf\"\n");
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(Path.Combine(folder, "a.conf")));
        Assert.Contains("includes itself", error.Message);
    }

    [Theory]
    [InlineData("lotery.search { name = x }", "1:1", "unknown root 'lotery'")]
    [InlineData("lottery.search.name = x\nakka.loglevel = DEBUG", "2:1", "unknown root 'akka'")]
    [InlineData("lottery = 5", "1:1", "'lottery' must be an object")]
    public void Roots_other_than_lottery_are_refused_by_name(string hocon, string at, string problem)
    {
        var path = Write("root.conf", hocon);
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(path));
        Assert.StartsWith($"{path}:{at}: {problem}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("lottery.search {}")]
    [InlineData("lottery { }")]
    public void A_file_that_sets_nothing_is_refused(string hocon)
    {
        var path = Write("empty.conf", hocon);
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(path));
        Assert.Equal(
            $"{path}: sets nothing; a config file sets keys under lottery.search, lottery.runtime or lottery.log",
            error.Message);
    }

    [Theory]
    [InlineData("lottery.serch.name = x", "lottery.serch.name", "unknown key (at ")]
    [InlineData("lottery.search = 5", "lottery.search", "it is a group of settings")]
    [InlineData("lottery.search.tickets-per-width = [2]", "lottery.search.tickets-per-width", "a single value")]
    [InlineData("lottery.search.model.widths = [[1]]", "lottery.search.model.widths", "contains a list or an object")]
    [InlineData("lottery.runtime.slots = D", "lottery.runtime.slots", "allowed: a whole number")]
    [InlineData("lottery.runtime.min-backoff = soon", "lottery.runtime.min-backoff", "a time such as 100ms")]
    [InlineData("lottery.log.level = loud", "lottery.log.level", "allowed: verbose, debug, information")]
    [InlineData("lottery.log.progress-every = 0s", "lottery.log.progress-every", "allowed: a time above 0")]
    [InlineData("lottery.log.progress-every = often", "lottery.log.progress-every", "a time such as 100ms")]
    [InlineData("lottery.runtime.device = \"cuda:0\"", "lottery.runtime.device", "libtorch finds no CUDA device")]
    public void A_value_of_the_wrong_shape_names_its_key(string hocon, string key, string problem)
    {
        var path = Write("shape.conf", hocon);
        var error = Assert.ThrowsAny<SpecException>(() =>
        {
            var config = LotteryConfig.FromFile(path);
            SearchSpecReader.Read(config);
            RuntimeSettings.Read(config);
            LogSettings.Read(config);
        });
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Random_bytes_are_refused_as_not_text()
    {
        var path = Path.Combine(folder, "bytes.conf");
        File.WriteAllBytes(path, [.. "lottery.search.name = x\n"u8, 0xff, 0xfe, 0x00]);
        var error = Assert.Throws<ConfigFileException>(() => LotteryConfig.FromFile(path));
        Assert.Equal($"{path}:2: is not UTF-8 text (a config file is plain text)", error.Message);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
