using Rgsud.Abstractions;
using Rgsud.Runtime;
using Rgsud.Training;
using Rgsud.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rgsud.Testing.Fakes;

/// <summary>
/// A simple but real unpaired method for tests: the derainer G is trained so that a small discriminator D takes
/// G(rainy) for clean (LSGAN), plus an identity term L1(G(clean), clean); D learns clean vs G(rainy).
/// Adam for both; the strategy's extra objective is added to G's loss.
/// </summary>
public sealed class TinyAdversarialMethod : IUnpairedMethod
{
    private readonly Sequential discriminator;
    private readonly Adam gOptimizer;
    private readonly Adam dOptimizer;

    /// <summary>Creates the method around <paramref name="derainer"/>.</summary>
    public TinyAdversarialMethod(nn.Module<Tensor, Tensor> derainer, double learningRate = 1e-3)
    {
        Derainer = derainer;
        discriminator = nn.Sequential(
            ("0", nn.Conv2d(3, 16, 4, stride: 2, padding: 1)), ("1", nn.LeakyReLU(0.2)),
            ("2", nn.Conv2d(16, 32, 4, stride: 2, padding: 1)), ("3", nn.LeakyReLU(0.2)),
            ("4", nn.Conv2d(32, 1, 3, padding: 1)));
        TensorLayout.ApplyPreferred(Derainer);
        TensorLayout.ApplyPreferred(discriminator);
        gOptimizer = optim.Adam(Derainer.parameters(), learningRate, 0.9, 0.999);
        dOptimizer = optim.Adam(discriminator.parameters(), learningRate, 0.9, 0.999);
    }

    /// <inheritdoc />
    public string Name => "tiny-adversarial";

    /// <inheritdoc />
    public Device Device => CPU;

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Derainer { get; }

    /// <inheritdoc />
    public IRainRenderer? RainRenderer => null;

    /// <inheritdoc />
    public MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extraObjective, long step)
    {
        using var scope = NewDisposeScope();
        var losses = new Dictionary<string, double>();
        int skipped = 0;
        Derainer.train();
        var derained = Derainer.call(batch.Rainy);
        var fakeScore = discriminator.call(derained);
        var adversarial = nn.functional.mse_loss(fakeScore, ones_like(fakeScore));
        var identity = nn.functional.l1_loss(Derainer.call(batch.Clean), batch.Clean);
        var gLoss = adversarial * 0.1 + identity;
        if (extraObjective is not null)
        {
            var term = extraObjective.Compute(new DerainerObjectiveContext(batch, Derainer, RainRenderer, derained));
            gLoss = gLoss + term.Loss;
            foreach (var (name, part) in term.Parts) losses[name] = part.item<float>();
        }
        if (!GuardedOptimizerStep.TryStep(gOptimizer, gLoss, Derainer.parameters())) skipped++;

        var realScore = discriminator.call(batch.Clean);
        var real = nn.functional.mse_loss(realScore, ones_like(realScore));
        var fakeScoreD = discriminator.call(derained.detach());
        var fake = nn.functional.mse_loss(fakeScoreD, zeros_like(fakeScoreD));
        var dLoss = (real + fake) * 0.5;
        if (!GuardedOptimizerStep.TryStep(dOptimizer, dLoss, discriminator.parameters())) skipped++;

        losses["g_adv"] = adversarial.item<float>();
        losses["g_identity"] = identity.item<float>();
        losses["d"] = dLoss.item<float>();
        return new MethodStepResult(losses, skipped);
    }

    /// <inheritdoc />
    public void SaveState(string directory)
    {
        ModuleWeights.Save(Derainer, Path.Combine(directory, "derainer.safetensors"));
        ModuleWeights.Save(discriminator, Path.Combine(directory, "discriminator.safetensors"));
        gOptimizer.save_state_dict(Path.Combine(directory, "g_optimizer.bin"));
        dOptimizer.save_state_dict(Path.Combine(directory, "d_optimizer.bin"));
    }

    /// <inheritdoc />
    public void LoadState(string directory)
    {
        ModuleWeights.Load(Derainer, Path.Combine(directory, "derainer.safetensors"));
        ModuleWeights.Load(discriminator, Path.Combine(directory, "discriminator.safetensors"));
        gOptimizer.load_state_dict(Path.Combine(directory, "g_optimizer.bin"));
        dOptimizer.load_state_dict(Path.Combine(directory, "d_optimizer.bin"));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        gOptimizer.Dispose();
        dOptimizer.Dispose();
        discriminator.Dispose();
        Derainer.Dispose();
    }
}
