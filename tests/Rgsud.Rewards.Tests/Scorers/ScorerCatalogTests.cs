using Rgsud.Abstractions;
using Rgsud.Rewards.Niqe;
using Rgsud.Rewards.Scorers;
using Rgsud.Testing;

namespace Rgsud.Rewards.Tests.Scorers;

public sealed class ScorerCatalogTests
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
        Assert.False(ScorerCatalog.Describe("daclip").Implemented);
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
    public void Create_DaClip_SaysItNeedsWeights()
    {
        var ex = Assert.Throws<RgsudException>(() => ScorerCatalog.Create("daclip"));
        Assert.StartsWith("daclip needs weights: ", ex.Message, StringComparison.Ordinal);
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
        using var e = Assert.IsType<EnsembleScorer>(ScorerCatalog.Create("ensemble:niqe*0.5+critic*0.5", context));
        Assert.Equal(Normalization.FixedAffine, e.Normalization);
        Assert.Equal(["niqe", "critic"], e.Members.Select(m => m.Scorer.Name));
    }
}
