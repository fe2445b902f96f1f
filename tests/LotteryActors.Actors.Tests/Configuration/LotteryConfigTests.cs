using LotteryActors.Actors.Configuration;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Spec;

namespace LotteryActors.Actors.Tests.Configuration;

public sealed class LotteryConfigTests
{
    private static string Hocon(string name) => Path.Combine(AppContext.BaseDirectory, "hocon", name);

    [Fact]
    public void Embedded_defaults_are_the_documented_recipe()
    {
        var spec = SearchSpecReader.Read(LotteryConfig.Defaults);
        Assert.Equal(DatasetName.FashionMnist, spec.Dataset.Name);
        Assert.Equal(5000, spec.Dataset.ValidationSize);
        Assert.Equal(ModelFamily.Lenet300100, spec.Model.Family);
        Assert.Equal(OptimizerKind.Adam, spec.Training.Optimizer);
        Assert.Equal(0.0012, spec.Training.LearningRate);
        Assert.Equal(60, spec.Training.BatchSize);
        Assert.Equal(new Duration(20, DurationUnit.Epochs), spec.Training.Duration);
        Assert.Equal(("layer-wise", 0.2, 0.1, 10), (spec.Pruning.Strategy, spec.Pruning.Rate, spec.Pruning.OutputRate, spec.Pruning.Rounds));
        var runtime = RuntimeSettings.Read(LotteryConfig.Defaults);
        Assert.Equal(Environment.ProcessorCount, runtime.Slots);
        Assert.Equal(JournalBackend.Sqlite, runtime.Journal);
        Assert.Equal(new EngineSettings(EngineKind.Auto, 8, TimeSpan.FromMilliseconds(200)), runtime.Engine);
        Assert.Equal(EngineKind.Separate, runtime.Engine.Kind.On(TorchSharp.DeviceType.CPU));
        Assert.Equal(EngineKind.Stacked, runtime.Engine.Kind.On(TorchSharp.DeviceType.CUDA));
    }

    [Fact]
    public void A_lenet_spec_keeps_the_id_it_had_before_conv_rate_existed()
    {
        // The census committed under docs/results/census was started with this id; it must still resume.
        var spec = SearchSpecReader.Read(LotteryConfig.FromFile(Hocon("census.conf")));

        Assert.Null(spec.Pruning.ConvRate);
        Assert.DoesNotContain("ConvRate", CanonicalSpec.ToJson(spec));
        Assert.Equal("644e9f12a6f9969f", spec.SearchId);
    }

    [Fact]
    public void The_census_re_run_reads_two_inits_of_six_tickets_per_width_and_a_converged_baseline()
    {
        var spec = SearchSpecReader.Read(LotteryConfig.FromFile(Hocon("census-inits.conf")));

        Assert.Equal((2, 6), (spec.Inits, spec.TicketsPerWidth));
        Assert.Equal(new DenseBaselineSpec(40, 30), spec.Baseline);
        Assert.Equal(4 * 2 * 6, spec.Tickets().Count);
        // The census committed under docs/results/census-inits was run with this id; it must still resume.
        Assert.Equal("bbed1aa6f044931d", spec.SearchId);
    }

    /// <summary>The curves committed under docs/results were run with these ids: their configs must still name
    /// those searches, or a report or resume from the README's command would start a new one.</summary>
    [Theory]
    [InlineData("imp-deep.conf", "5822b70f094ac9c1")]
    [InlineData("conv2-curve.conf", "b0a1879b51013261")]
    [InlineData("conv4-curve.conf", "3bba56c9312fe278")]
    [InlineData("rewind-init.conf", "a5ec05924916d0b4")]
    [InlineData("rewind-late.conf", "af13aab46410b6d0")]
    [InlineData("stability.conf", "3b6ff7fe92fe0340")]
    public void Committed_results_keep_the_search_ids_they_were_run_with(string file, string searchId) =>
        Assert.Equal(searchId, SearchSpecReader.Read(LotteryConfig.FromFile(Hocon(file))).SearchId);

    [Theory]
    [InlineData("conv2-curve.conf", ModelFamily.Conv2)]
    [InlineData("conv4-curve.conf", ModelFamily.Conv4)]
    public void The_conv_curves_prune_at_frankle_and_carbins_per_layer_type_rates(string file, ModelFamily family)
    {
        var spec = SearchSpecReader.Read(LotteryConfig.FromFile(Hocon(file)));

        Assert.Equal(family, spec.Model.Family);
        Assert.Equal((0.1, 0.2, 0.1), (spec.Pruning.ConvRate, spec.Pruning.Rate, spec.Pruning.OutputRate));
    }

    [Fact]
    public void One_init_and_no_baseline_read_as_absent_so_older_ids_hold()
    {
        var spec = SearchSpecReader.Read(LotteryConfig.FromText(
            "lottery.search { inits-per-width = 1, baseline.dense-epochs = 0 }"));

        Assert.Null(spec.InitsPerWidth);
        Assert.Null(spec.Baseline);
    }

    [Fact]
    public void A_conv_spec_reads_its_own_conv_rate_with_the_documented_default()
    {
        var defaults = SearchSpecReader.Read(LotteryConfig.FromText("lottery.search.model.family = conv-2"));
        var set = SearchSpecReader.Read(LotteryConfig.FromText(
            "lottery.search.model.family = conv-4\nlottery.search.pruning.conv-rate = 0.15"));

        Assert.Equal((0.1, 0.2, 0.1), (defaults.Pruning.ConvRate, defaults.Pruning.Rate, defaults.Pruning.OutputRate));
        Assert.Equal(0.15, set.Pruning.ConvRate);
    }

    [Theory]
    [InlineData("quickstart.conf")]
    [InlineData("quickstart-seq.conf")]
    [InlineData("local.conf")]
    [InlineData("census.conf")]
    [InlineData("census-inits.conf")]
    [InlineData("census-inits-timing.conf")]
    [InlineData("dense.conf")]
    [InlineData("imp-curve.conf")]
    [InlineData("imp-deep.conf")]
    [InlineData("conv2-curve.conf")]
    [InlineData("conv4-curve.conf")]
    [InlineData("rewind-init.conf")]
    [InlineData("rewind-late.conf")]
    [InlineData("lottery.conf")]
    public void Shipped_configs_are_valid(string file)
    {
        var config = LotteryConfig.FromFile(Hocon(file));
        SearchSpecReader.Read(config);
        RuntimeSettings.Read(config);
    }

    [Fact]
    public void The_compose_quickstart_is_the_quickstart_logging_to_the_compose_seq_service()
    {
        var withSeq = LotteryConfig.FromFile(Hocon("quickstart-seq.conf"));
        var plain = LotteryConfig.FromFile(Hocon("quickstart.conf"));
        Assert.Equal(SearchSpecReader.Read(plain).SearchId, SearchSpecReader.Read(withSeq).SearchId);
        Assert.Equal("http://seq", LogSettings.Read(withSeq).SeqUrl);
        Assert.Equal("", LogSettings.Read(plain).SeqUrl);
    }

    [Fact]
    public void The_seq_sink_is_off_by_default_and_on_with_lottery_runtime_seq_url()
    {
        Assert.Equal("", LogSettings.Read(LotteryConfig.Defaults).SeqUrl);
        var on = LotteryConfig.FromText("lottery.runtime.seq.url = \"http://127.0.0.1:5341\"");
        Assert.Equal("http://127.0.0.1:5341", LogSettings.Read(on).SeqUrl);
        var bad = Assert.Throws<SpecException>(() =>
            LogSettings.Read(LotteryConfig.FromText("lottery.runtime.seq.url = \"seq:5341\"")));
        Assert.Equal("lottery.runtime.seq.url", bad.Key);
        Assert.Contains("http(s) URL", bad.Message);
    }

    [Fact]
    public void The_old_seq_key_is_refused_in_one_line_that_names_the_new_key()
    {
        var error = Assert.Throws<SpecException>(() => LotteryConfig.FromText("lottery.log.seq-url = \"http://seq\""));
        Assert.Equal("lottery.log.seq-url", error.Key);
        Assert.Contains("set lottery.runtime.seq.url instead", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Every_key_in_lottery_conf_is_documented_by_a_comment_above_it()
    {
        var lines = File.ReadAllLines(Hocon("lottery.conf"));
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.EndsWith('{') || line == "}" || !line.Contains('='))
                continue;
            var above = lines[i - 1].Trim();
            Assert.True(above.StartsWith('#') || (above.Contains('=') && !above.EndsWith('{')),
                $"lottery.conf line {i + 1} ('{line}') has no comment above it or its group");
        }
    }

    [Theory]
    [InlineData("lottery.search.tickets-per-width = many", "lottery.search.tickets-per-width", "a whole number")]
    [InlineData("lottery.search.pruning.strategy = random", "lottery.search.pruning.strategy", "layer-wise, global")]
    [InlineData("lottery.search.controls.random-mask = maybe", "lottery.search.controls.random-mask", "true, false")]
    [InlineData("lottery.search.model.widths = 2", "lottery.search.model.widths", "not a list")]
    [InlineData("lottery.search.training.milestones = [\"10ep\"]", "lottery.search.training.milestones", "lr-schedule = step")]
    [InlineData("lottery.search.dataset.validation-size = 0", "lottery.search.dataset.validation-size", "1 or more")]
    [InlineData("lottery.search.modle.family = conv-2", "lottery.search.modle.family", "unknown key")]
    [InlineData("lottery.runtime.journal = mongodb", "lottery.runtime.journal", "sqlite, postgresql")]
    [InlineData("lottery.runtime.journal = postgresql", "lottery.runtime.connection-string", "is empty")]
    [InlineData("lottery.runtime.engine = fast", "lottery.runtime.engine", "auto, separate, stacked")]
    [InlineData("lottery.runtime.stack-size = 0", "lottery.runtime.stack-size", "1 or more")]
    [InlineData("lottery.runtime.metrics.port = 70000", "lottery.runtime.metrics.port", "1 to 65535")]
    [InlineData("lottery.runtime.metrics.host = \"\"", "lottery.runtime.metrics.host", "is empty")]
    [InlineData("lottery.runtime.artifact-cache-size = lots", "lottery.runtime.artifact-cache-size", "10 GiB")]
    [InlineData("lottery.runtime.artifact-cache-size = -5", "lottery.runtime.artifact-cache-size", "0 (no limit)")]
    public void A_bad_setting_names_its_key_and_what_is_allowed(string hocon, string key, string allowed)
    {
        var error = Assert.Throws<SpecException>(() =>
        {
            var config = LotteryConfig.FromText(hocon);
            SearchSpecReader.Read(config);
            RuntimeSettings.Read(config);
        });
        Assert.Equal(key, error.Key);
        Assert.Contains(allowed, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_changed_spec_is_a_new_search_and_a_renamed_one_is_not()
    {
        var baseline = SearchSpecReader.Read(LotteryConfig.Defaults).SearchId;
        Assert.Equal(baseline, SearchSpecReader.Read(LotteryConfig.FromText("lottery.search.name = renamed")).SearchId);
        Assert.NotEqual(baseline, SearchSpecReader.Read(LotteryConfig.FromText("lottery.search.pruning.rate = 0.3")).SearchId);
        Assert.NotEqual(baseline, SearchSpecReader.Read(LotteryConfig.FromText("lottery.search.seeds.data-order = 7")).SearchId);
    }
}
