using LotteryActors.Actors.Configuration;

namespace LotteryActors.Actors.Tests.Configuration;

public sealed class HoconSyntaxTests
{
    private static string Hocon(string name) => Path.Combine(AppContext.BaseDirectory, "hocon", name);

    public static TheoryData<string> ShippedConfigs() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hocon"), "*.conf").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void Every_shipped_config_passes_the_strict_check(string file)
    {
        var outline = HoconSyntax.Check(File.ReadAllText(Hocon(file)), file);
        // A file may only combine others (quickstart-cluster.conf): then what it includes must be shipped too.
        Assert.True(outline.Fields.Count > 0 || outline.Includes.Count > 0, $"{file} sets and includes nothing");
        foreach (var include in outline.Includes)
            Assert.True(File.Exists(Hocon(include.Name)), $"{file} includes {include.Name}, which is not shipped");
    }

    [Theory]
    [InlineData("lottery.search { model.widths = [1, }", "1:37", "expected a value in the list opened at 1:33")]
    [InlineData("lottery.search { name = \"x }", "1:29", "the string that starts at 1:25 is not closed on its line")]
    [InlineData("lottery.search { name = x }}", "1:28", "unexpected '}': no '{' or '[' is open here")]
    [InlineData("lottery.search {\n  name = x\n", "3:1", "expected '}' to close the '{' at 1:16, found the end")]
    [InlineData("lottery.search.name = ${other}", "1:23", "substitutions (${...}) are not supported")]
    [InlineData("lottery.search.model.widths += [2]", "1:29", "'+=' is not supported")]
    [InlineData("lottery.search.model.widths = [1, 2, ]", "1:38", "expected a value after ','")]
    [InlineData("lottery { search { name = x }, runtime.slots = 1 }", "1:30", "',' after an object's '}'")]
    [InlineData("lottery..search.name = x", "1:9", "a key has an empty element")]
    [InlineData("lottery.search name = x", "1:16", "expected '=', ':' or '{' after the key 'lottery.search'")]
    [InlineData("lottery.search.name = http://host", "1:27", "unexpected ':' in the value of 'lottery.search.name'")]
    [InlineData("lottery.search.name = \"\"\"open", "1:23", "the \"\"\" string that starts at 1:23 is never closed")]
    [InlineData("lottery.search.name = \"a\\qb\"", "1:26", "unknown escape '\\q'")]
    [InlineData("include file(\"x.conf\")", "1:9", "only include \"file\" is supported")]
    [InlineData("[1, 2]", "1:1", "not an array")]
    [InlineData("lottery.search.name = x\rlottery.search.name = y", "1:24", "a carriage return without a line feed")]
    [InlineData("lottery.search.name = a\u00A0b", "1:24", "the whitespace character U+00A0")]
    [InlineData("lottery.search.name = a\u0001b", "1:24", "U+0001")]
    public void Broken_HOCON_is_one_line_with_its_line_column_and_what_was_expected(
        string hocon, string at, string problem)
    {
        var error = Assert.Throws<ConfigFileException>(() => HoconSyntax.Check(hocon, "bad.conf"));
        Assert.StartsWith($"bad.conf:{at}: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_instead_of_exhausting_the_stack()
    {
        var deep = "lottery.search.model.widths = " + new string('[', 100_000);
        var error = Assert.Throws<ConfigFileException>(() => HoconSyntax.Check(deep, "deep.conf"));
        Assert.Contains($"nested more than {HoconSyntax.MaxDepth} deep", error.Message);
    }

    [Fact]
    public void The_HOCON_this_project_writes_is_accepted()
    {
        const string hocon = """"
            # comment
            lottery {
              // another comment
              search {
                name = "a \"quoted\" name"
                "model".widths = [0.5, 1,
                  2]
                training { duration = "3ep", eval-interval = 100it }
                training.milestones = [
                  "1ep"
                  "2ep"
                ]
                controls : { random-reinit = false, random-mask = off }
                dataset.path = """/a "path" with quotes"""
                seeds.init = -3
              }
              runtime.min-backoff = 100ms
              runtime.seq.url = null
            }
            include "more.conf"
            """";
        var outline = HoconSyntax.Check(hocon.Replace("\n", "\r\n"), "good.conf");
        Assert.Contains(outline.Fields, f => f is { Path: "lottery.search.model.widths", Line: 6, Column: 5 });
        Assert.Contains(outline.Fields, f => f.Path == "lottery.search.training.duration");
        var include = Assert.Single(outline.Includes);
        Assert.Equal(("more.conf", "", 20), (include.Name, include.Prefix, include.Line));
    }
}
