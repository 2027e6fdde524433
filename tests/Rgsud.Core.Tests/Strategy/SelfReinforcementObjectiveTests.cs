using Rgsud.Abstractions;
using Rgsud.Strategy;
using Rgsud.Strategy.SelfReinforcementLosses;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Strategy;

public sealed class SelfReinforcementObjectiveTests
{
    private const int Size = 16;

    /// <summary>Records the rows it is given and returns (clean + rain layer, clean).</summary>
    private sealed class RecordingSynthesizer : IPseudoPairSynthesizer
    {
        public List<Tensor> Rainy { get; } = [];

        public string Name => "recording";

        public PseudoPairs Synthesize(Tensor rainy, Tensor rewards, Tensor clean, IRainRenderer? renderer)
        {
            Rainy.Add(rainy.detach().clone().DetachFromDisposeScope());
            return new PseudoPairs((clean + (rainy - rewards)).clamp(0, 1), clean);
        }
    }

    /// <summary>Three rows: row 0's reward is its rainy input (no rain layer), row 1's differs by 0.004 RMS, row 2's by 0.2 on a streak.</summary>
    private static UnpairedBatch Batch()
    {
        manual_seed(11);
        var rainy = rand(3, 3, Size, Size) * 0.5 + 0.2;
        var rewards = rainy.clone();
        rewards[1] = rewards[1] - 0.004;
        rewards[2, .., .., 3] = rewards[2, .., .., 3] - 0.6; // one column of 16: RMS 0.15
        var clean = rand(3, 3, Size, Size) * 0.5;
        return new UnpairedBatch(rainy, clean, ["a", "b", "c"], [new CropBox(0, 0, Size, Size), new CropBox(0, 0, Size, Size), new CropBox(0, 0, Size, Size)])
        {
            Rewards = rewards,
            RewardMask = tensor(new[] { true, true, true }),
            RewardUtilities = ones(3),
        };
    }

    private static DerainerObjectiveTerm Compute(SelfReinforcementObjective objective, UnpairedBatch batch)
    {
        using var derainer = nn.Identity();
        return objective.Compute(new DerainerObjectiveContext(batch, derainer, null, null));
    }

    [Fact]
    public void Rows_whose_rain_layer_is_below_the_floor_give_no_pseudo_pair()
    {
        using var scope = NewDisposeScope();
        var synthesizer = new RecordingSynthesizer();
        var objective = new SelfReinforcementObjective(synthesizer, new MseSelfReinforcementLoss(0.8), lambda1: 1.0, minRainLayerRms: 0.01);
        var batch = Batch();
        var term = Compute(objective, batch);

        var given = Assert.Single(synthesizer.Rainy);
        Assert.Equal(1, given.shape[0]);
        Assert.True(given[0].allclose(batch.Rainy[2], 0, 0), "only row 2 (rain layer RMS 0.15) is synthesised");
        Assert.Equal(1.0, term.Parts["pseudo_rows"].item<float>());
        Assert.True(term.Parts["pseudo"].item<float>() < 0, "the PSNR loss of a real pseudo pair is negative");
        Assert.Equal(term.Parts["sr"].item<float>() + term.Parts["pseudo"].item<float>(), term.Loss.item<float>(), 4);
        given.Dispose();
    }

    [Fact]
    public void Without_a_floor_every_rewarded_row_is_synthesised()
    {
        using var scope = NewDisposeScope();
        var synthesizer = new RecordingSynthesizer();
        var objective = new SelfReinforcementObjective(synthesizer, new MseSelfReinforcementLoss(0.8), lambda1: 1.0);
        var term = Compute(objective, Batch());
        Assert.Equal(3, Assert.Single(synthesizer.Rainy).shape[0]);
        Assert.False(term.Parts.ContainsKey("pseudo_rows"));
        synthesizer.Rainy[0].Dispose();
    }

    [Fact]
    public void When_no_row_clears_the_floor_only_the_SR_loss_remains()
    {
        using var scope = NewDisposeScope();
        var synthesizer = new RecordingSynthesizer();
        var objective = new SelfReinforcementObjective(synthesizer, new MseSelfReinforcementLoss(0.8), lambda1: 1.0, minRainLayerRms: 0.5);
        var term = Compute(objective, Batch());
        Assert.Empty(synthesizer.Rainy);
        Assert.Equal(0.0, term.Parts["pseudo_rows"].item<float>());
        Assert.Equal(0.0, term.Parts["pseudo"].item<float>());
        Assert.Equal(term.Parts["sr"].item<float>(), term.Loss.item<float>());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_negative_or_NaN_floor_is_refused(double floor)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SelfReinforcementObjective(new RecordingSynthesizer(), new MseSelfReinforcementLoss(0.8), 1.0, floor));
        Assert.Equal("minRainLayerRms", e.ParamName);
    }

    [Fact]
    public void The_CPU_preset_weights_pseudo_pairs_at_005_and_the_default_at_the_papers_1()
    {
        Assert.Equal(0.05, SelfReinforcementOptions.Cpu().Lambda1);
        Assert.Equal(1.0, new SelfReinforcementOptions().Lambda1);
        Assert.Equal(0.01, new SelfReinforcementOptions().MinRainLayerRms);
    }
}
