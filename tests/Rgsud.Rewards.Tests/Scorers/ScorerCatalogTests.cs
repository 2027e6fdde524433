using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Rgsud.Abstractions;
using Rgsud.Imaging;
using Rgsud.Rewards.DaClip;
using Rgsud.Rewards.Hosting;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Rewards.Tests.DaClip;
using Rgsud.Testing;
using Xunit.Abstractions;

namespace Rgsud.Rewards.Tests.Scorers;

public sealed class ScorerCatalogTests(ITestOutputHelper output)
{
    [Fact]
    public void Metadata_ForEveryScorer()
    {
        Assert.Equal(["niqe", "critic", "daclip"], ScorerCatalog.Names);
        var niqe = ScorerCatalog.Describe("NIQE");
        Assert.Equal(ScoreDirection.LowerIsBetter, niqe.Direction);
        Assert.Equal("[0, ∞)", niqe.RangeText);
        Assert.True(niqe.NeedsWeights);
        Assert.False(niqe.NeedsTraining);
        var critic = ScorerCatalog.Describe("critic");
        Assert.Equal(ScoreDirection.HigherIsBetter, critic.Direction);
        Assert.Equal("[0, 1]", critic.RangeText);
        Assert.True(critic.NeedsTraining);
        var daclip = ScorerCatalog.Describe("daclip");
        Assert.True(daclip.Implemented);
        Assert.True(daclip.NeedsWeights);
        Assert.False(daclip.NeedsTraining);
        Assert.Equal(ScoreDirection.HigherIsBetter, daclip.Direction);
        Assert.Equal("[0, 1]", daclip.RangeText);
        var ens = ScorerCatalog.Describe("ensemble@rank:niqe*0.5+critic");
        Assert.Equal(ScoreDirection.HigherIsBetter, ens.Direction);
        Assert.True(ens.NeedsTraining);
        Assert.Contains("Rank", ens.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("brisque", "unknown scorer 'brisque'; known scorers: niqe, critic, daclip, ensemble:<a>+<b>")]
    [InlineData("ensemble", "malformed scorer spec 'ensemble': an ensemble lists its members, e.g. ensemble:niqe+critic")]
    [InlineData("ensemble:niqe*x", "malformed scorer spec 'ensemble:niqe*x': weight 'x' of 'niqe' is not a number")]
    [InlineData("ensemble:niqe+", "malformed scorer spec 'ensemble:niqe+': empty ensemble member")]
    [InlineData("ensemble:niqe*-1", "malformed scorer spec 'ensemble:niqe*-1': weight of 'niqe' must be finite and non-negative, got -1")]
    [InlineData("ensemble@best:niqe", "unknown ensemble normalisation 'best' in 'ensemble@best:niqe'; use rank, zscore or fixed")]
    [InlineData("niqe:x", "malformed scorer spec 'niqe:x': only 'ensemble' takes ':' or '@'")]
    [InlineData("ensemble:ensemble:niqe", "malformed scorer spec 'ensemble:ensemble:niqe': ensembles cannot be nested")]
    [InlineData("  ", "empty scorer spec; known scorers: niqe, critic, daclip")]
    public void Create_MalformedSpecs_Throw(string spec, string message) =>
        Assert.Equal(message, Assert.Throws<RgsudException>(() => ScorerCatalog.Create(spec)).Message);

    [Fact]
    public void Create_DaClip_WithoutWeights_ThrowsAndNeverFallsBack()
    {
        const string Expected = "scorer 'daclip' needs weights: set ScorerContext.DaclipWeightsPath";
        Assert.StartsWith(Expected, Assert.Throws<RgsudException>(() => ScorerCatalog.Create("daclip")).Message, StringComparison.Ordinal);
        // Not even inside an ensemble whose other member is available.
        using var tmp = new TempFolder();
        var niqe = tmp.File("niqe.json");
        using (var image = TestImages.Synthetic(192, 192)) NiqeModel.Fit(new[] { image, image }, new NiqeFitOptions { SharpnessThreshold = 0 }).SaveJson(niqe);
        Assert.StartsWith(Expected, Assert.Throws<RgsudException>(() =>
            ScorerCatalog.Create("ensemble:niqe+daclip", new ScorerContext { NiqeModelPath = niqe })).Message, StringComparison.Ordinal);
        var missing = tmp.File("missing.safetensors");
        Assert.Equal(missing, Assert.Throws<RgsudWeightsException>(() =>
            ScorerCatalog.Create("daclip", new ScorerContext { DaclipWeightsPath = missing })).FilePath);
    }

    [Fact]
    public void Create_DaClip_FromConvertedWeights_WithOptions()
    {
        using var tmp = new TempFolder();
        var path = tmp.File("daclip.safetensors");
        DaClipTestModels.SaveRandom(path);
        var context = new ScorerContext
        {
            DaclipWeightsPath = path,
            DaClipOptions = new DaClipOptions { RewardDegradation = DaClipScorer.Raindrop, Preprocess = DaClipPreprocess.Resize224 },
        };
        using var scorer = Assert.IsType<DaClipScorer>(ScorerCatalog.Create("DaCLIP", context));
        Assert.Equal(DaClipScorer.Raindrop, scorer.Options.RewardDegradation);
        Assert.Equal(DaClipPreprocess.Resize224, scorer.Options.Preprocess);
        using var image = TestImages.Synthetic(64, 96);
        using var score = scorer.Score(image);
        Assert.InRange(score.item<double>(), 0, 1);
    }

    [Fact]
    public void Create_WithoutModelsOrData_ExplainsWhatIsMissing()
    {
        Assert.StartsWith("scorer 'niqe' needs a pristine model: set ScorerContext.NiqeModelPath",
            Assert.Throws<RgsudException>(() => ScorerCatalog.Create("niqe")).Message, StringComparison.Ordinal);
        Assert.StartsWith("scorer 'critic' needs a trained critic: set ScorerContext.CriticPath",
            Assert.Throws<RgsudException>(() => ScorerCatalog.Create("critic")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NiqeFromAFittedJson_AndAnEnsemble()
    {
        using var tmp = new TempFolder();
        var images = Enumerable.Range(0, 2).Select(s => TestImages.Synthetic(192, 192, s)).ToList();
        try
        {
            var model = NiqeModel.Fit(images, new NiqeFitOptions { SharpnessThreshold = 0 });
            var path = tmp.File("niqe.json");
            model.SaveJson(path);
            var context = new ScorerContext { NiqeModelPath = path, EnsembleNormalization = Normalization.ZScore };
            var niqe = Assert.IsType<NiqeScorer>(ScorerCatalog.Create(" niqe ", context));
            Assert.Equal(model.Mean, niqe.Model.Mean);
            using var ens = Assert.IsType<EnsembleScorer>(ScorerCatalog.Create("ensemble:niqe*0.25+niqe*0.75", context));
            Assert.Equal(Normalization.ZScore, ens.Normalization);
            Assert.Equal([0.25, 0.75], ens.Members.Select(m => m.Weight));
            using var fixedEns = Assert.IsType<EnsembleScorer>(ScorerCatalog.Create("ensemble@fixed:niqe", context));
            Assert.Equal(Normalization.FixedAffine, fixedEns.Normalization);
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }

    [SharedDataFact]
    public void Create_OfficialNiqeAndSavedCritic_Ensemble()
    {
        using var tmp = new TempFolder();
        var criticDir = Path.Combine(tmp.Path, "critic");
        TrainedCritic.Critic.Save(criticDir);
        var context = new ScorerContext { NiqeModelPath = TestImages.NiqeModelPath, CriticPath = criticDir };
        using var critic = Assert.IsType<RainCritic>(ScorerCatalog.Create("critic", context));
        Assert.Equal(TrainedCritic.Critic.Temperature, critic.Temperature);
        using (var uncalibrated = Assert.IsType<EnsembleScorer>(ScorerCatalog.Create("ensemble:niqe*0.5+critic*0.5", context)))
            Assert.False(uncalibrated.IsCalibrated);

        // With the rainy training folder in the context, a FixedAffine ensemble is calibrated on its images when
        // created (12 here, one per call: Rain100L mixes orientations), and then prefers each dev clean image to its
        // rainy twin.
        using var e = Assert.IsType<EnsembleScorer>(ScorerCatalog.Create("ensemble:niqe*0.5+critic*0.5",
            context with { RainyTrainingDirectory = TestImages.Rain100L("train-rainy"), EnsembleCalibrationImages = 12 }));
        Assert.Equal(Normalization.FixedAffine, e.Normalization);
        Assert.Equal(["niqe", "critic"], e.Members.Select(m => m.Scorer.Name));
        Assert.True(e.IsCalibrated);
        Assert.All(e.Calibration!, c => Assert.Equal(12, c.Count));
        int wins = 0;
        foreach (var (id, rainyPath, cleanPath) in TestImages.DevPairs())
        {
            double r = ScoreOne(e, rainyPath), c = ScoreOne(e, cleanPath);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: ensemble rainy {1:F4}, clean {2:F4}", id, r, c));
            if (c > r) wins++;
        }
        output.WriteLine($"ensemble (FixedAffine, calibrated on 12 training rainy inputs): clean better in {wins}/9 pairs; " +
            $"calibration {string.Join("; ", e.Calibration!.Select(s => $"mean {s.Mean:F4} std {s.StandardDeviation:F4}"))}");
        Assert.True(wins >= 8, $"clean better in {wins}/9 pairs");
    }

    [Fact]
    public void Create_Critic_TrainsAndSavesWhenTheFolderIsEmpty_ThenLoads()
    {
        using var tmp = new TempFolder();
        for (int i = 0; i < 3; i++)
        {
            using var clean = TestImages.Synthetic(64, 64, i);
            using var rainy = clean.add(clean.roll(3, 3).mul(0.3)).clamp(0, 1);
            ImageIO.WritePng(clean, Path.Combine(tmp.Path, "clean", $"{i}.png"));
            ImageIO.WritePng(rainy, Path.Combine(tmp.Path, "rainy", $"{i}.png"));
        }
        var context = new ScorerContext
        {
            CriticPath = Path.Combine(tmp.Path, "critic"),
            RainyTrainingDirectory = Path.Combine(tmp.Path, "rainy"),
            CleanTrainingDirectory = Path.Combine(tmp.Path, "clean"),
            CriticOptions = new RainCriticOptions { Steps = 5, BatchSize = 4, MinCropSize = 32, MaxCropSize = 32, ScoreCropSize = 32, Channels = [4, 8] },
        };
        using var trained = Assert.IsType<RainCritic>(ScorerCatalog.Create("critic", context));
        Assert.True(File.Exists(Path.Combine(context.CriticPath, RainCritic.ConfigFileName)));
        using var loaded = Assert.IsType<RainCritic>(ScorerCatalog.Create("critic", context with { RainyTrainingDirectory = null }));
        Assert.Equal(trained.Temperature, loaded.Temperature);
        Assert.Equal(5, loaded.Summary!.Steps);
    }

    [Fact]
    public void AddRgsudScorers_RegistersTheCatalogScorer()
    {
        var services = new ServiceCollection();
        services.AddRgsudScorers("daclip");
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IRewardScorer));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        // Created on first use: the factory runs the catalog.
        Assert.StartsWith("scorer 'daclip' needs weights", Assert.Throws<RgsudException>(() => descriptor.ImplementationFactory!(null!)).Message, StringComparison.Ordinal);
    }

    private static double ScoreOne(EnsembleScorer e, string path)
    {
        using var img = ImageIO.Read(path);
        using var s = e.Score(img);
        return s.data<double>()[0];
    }
}
