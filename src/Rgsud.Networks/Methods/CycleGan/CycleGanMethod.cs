using Rgsud.Abstractions;
using Rgsud.Losses;
using Rgsud.Networks.Critics;
using Rgsud.Networks.Generators;
using Rgsud.Runtime;
using Rgsud.Training;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Rgsud.Networks.Methods.CycleGan;

/// <summary>
/// CycleGAN (Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks", ICCV
/// 2017) for deraining: the derainer G (rainy → clean, any module), a clean → rainy <see cref="ResnetGenerator"/> F,
/// and two <see cref="PatchGan"/> critics, D_clean on clean images and D_rainy on rainy ones. It has no
/// rain-conditioned renderer (<see cref="RainRenderer"/> is null).
/// </summary>
/// <remarks>
/// <para>One <see cref="Step"/> with rainy A and clean B makes two guarded Adam updates, as CycleGAN does:</para>
/// <list type="number">
/// <item><b>G and F</b> (one optimiser over both):
/// <c>LSGAN(D_clean(G(A)), real) + LSGAN(D_rainy(F(B)), real) + λ·[L1(F(G(A)), A) + L1(G(F(B)), B)]
/// + λ·λ_id·[L1(G(B), B) + L1(F(A), A)]</c> plus the extra objective's term (given <c>G(A)</c> as
/// <see cref="DerainerObjectiveContext.DerainedRainy"/>). The critics' gradients from this loss are discarded.</item>
/// <item><b>D_clean and D_rainy</b> (one optimiser over both):
/// <c>0.5·[LSGAN(D_clean(B), real) + LSGAN(D_clean(G(A).detach()), fake)]
/// + 0.5·[LSGAN(D_rainy(A), real) + LSGAN(D_rainy(F(B).detach()), fake)]</c>.</item>
/// </list>
/// <para>Differences from the original: no image pool of past fakes (the critics see the current fakes), images
/// in [0, 1] with a residual F instead of tanh on [−1, 1], and a multi-step instead of a linear learning-rate
/// decay. The method owns its networks (the derainer included) and disposes them.</para>
/// </remarks>
public sealed class CycleGanMethod : IUnpairedMethod
{
    private const string MethodName = "cyclegan";

    private readonly ResnetGenerator rainGenerator;
    private readonly PatchGan cleanCritic;
    private readonly PatchGan rainyCritic;
    private readonly List<Parameter> generatorParameters;
    private readonly List<Parameter> criticParameters;
    private readonly optim.Optimizer generatorOptimizer;
    private readonly optim.Optimizer criticOptimizer;
    private readonly L1Loss l1 = new();
    private readonly LsganLoss lsgan = new();
    private long steps;
    private bool disposed;

    /// <summary>Creates the method around <paramref name="derainer"/> (moved to <paramref name="device"/> and prepared with <see cref="TensorLayout.ApplyPreferred"/>).</summary>
    /// <param name="options">Options; null for <see cref="CycleGanOptions.Reference"/>.</param>
    /// <param name="derainer">The rainy → clean generator G (any <c>[N,3,H,W] → [N,3,H,W]</c> module). The method takes ownership.</param>
    /// <param name="device">The device of all networks; null for the CPU.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    public CycleGanMethod(CycleGanOptions? options, nn.Module<Tensor, Tensor> derainer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(derainer);
        RgsudRuntime.EnsureInitialized();
        Options = options ?? CycleGanOptions.Reference;
        Options.Validate();
        Device = device ?? CPU;

        Derainer = derainer;
        rainGenerator = new ResnetGenerator(Options.Generator);
        cleanCritic = new PatchGan(Options.Critic);
        rainyCritic = new PatchGan(Options.Critic);
        foreach (var module in new nn.Module[] { Derainer, rainGenerator, cleanCritic, rainyCritic })
        {
            module.to(Device);
            TensorLayout.ApplyPreferred(module);
        }

        generatorParameters = [.. Derainer.parameters(), .. rainGenerator.parameters()];
        criticParameters = [.. cleanCritic.parameters(), .. rainyCritic.parameters()];
        generatorOptimizer = optim.Adam(generatorParameters, Options.LearningRate, Options.Beta1, Options.Beta2);
        criticOptimizer = optim.Adam(criticParameters, Options.LearningRate, Options.Beta1, Options.Beta2);
    }

    /// <summary>The options of the method.</summary>
    public CycleGanOptions Options { get; }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Derainer { get; }

    /// <summary>The clean → rainy generator F.</summary>
    public ResnetGenerator RainGenerator => rainGenerator;

    /// <summary>The critic of clean images (real: clean crops; fake: derained rainy crops).</summary>
    public PatchGan CleanCritic => cleanCritic;

    /// <summary>The critic of rainy images (real: rainy crops; fake: F of clean crops).</summary>
    public PatchGan RainyCritic => rainyCritic;

    /// <summary>Always null: CycleGAN's F is not conditioned on a rain reference.</summary>
    public IRainRenderer? RainRenderer => null;

    /// <summary>Number of <see cref="Step"/> calls made (restored by <see cref="LoadState"/>).</summary>
    public long StepsTaken => steps;

    /// <summary>The learning rate of both optimisers at <paramref name="step"/>.</summary>
    public double LearningRateAt(long step) =>
        MultiStepSchedule.Rate(Options.LearningRate, Options.Milestones, Options.LearningRateGamma, step);

    /// <summary>
    /// One CycleGAN iteration (see the class remarks). Loss names: <c>generators</c> (total, with the extra
    /// term), <c>adv_clean</c>, <c>adv_rainy</c>, <c>cycle</c>, <c>identity</c> (weighted), the extra objective's
    /// parts as given, <c>critics</c>, <c>critic_clean</c>, <c>critic_rainy</c>, and <c>lr</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The rainy or clean crops are not <c>[N, 3, h, w]</c>.</exception>
    public MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extraObjective, long step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var (t, name) in new[] { (batch.Rainy, "rainy"), (batch.Clean, "clean") })
        {
            if (t.dim() != 4 || t.shape[1] != 3)
                throw new ArgumentException($"CycleGAN needs [N, 3, h, w] {name} crops, got [{string.Join(", ", t.shape)}]", nameof(batch));
        }

        using var scope = NewDisposeScope();
        var losses = new Dictionary<string, double>();
        var skipped = 0;
        var lr = LearningRateAt(step);
        MultiStepSchedule.Apply(generatorOptimizer, lr);
        MultiStepSchedule.Apply(criticOptimizer, lr);
        Derainer.train();
        rainGenerator.train();
        cleanCritic.train();
        rainyCritic.train();

        var a = TensorLayout.ToPreferred(batch.Rainy);
        var b = TensorLayout.ToPreferred(batch.Clean);

        // 1. Generators G (the derainer) and F.
        var fakeClean = Derainer.call(a);
        var recoveredRainy = rainGenerator.call(fakeClean);
        var fakeRainy = rainGenerator.call(b);
        var recoveredClean = Derainer.call(fakeRainy);
        var advClean = lsgan.Forward(cleanCritic.call(fakeClean), true) * Options.AdversarialWeight;
        var advRainy = lsgan.Forward(rainyCritic.call(fakeRainy), true) * Options.AdversarialWeight;
        var cycle = (l1.Forward(recoveredRainy, a) + l1.Forward(recoveredClean, b)) * Options.CycleWeight;
        var generatorLoss = advClean + advRainy + cycle;
        Tensor? identity = null;
        if (Options.IdentityWeight > 0)
        {
            identity = (l1.Forward(Derainer.call(b), b) + l1.Forward(rainGenerator.call(a), a)) * (Options.CycleWeight * Options.IdentityWeight);
            generatorLoss = generatorLoss + identity;
        }
        if (extraObjective is not null)
        {
            var term = extraObjective.Compute(new DerainerObjectiveContext(batch, Derainer, RainRenderer, fakeClean));
            generatorLoss = generatorLoss + term.Loss;
            foreach (var (name, part) in term.Parts) losses[name] = part.detach().item<float>();
        }
        if (!GuardedOptimizerStep.TryStep(generatorOptimizer, generatorLoss, generatorParameters)) skipped++;

        // 2. Critics.
        var criticClean = (lsgan.Forward(cleanCritic.call(b), true) + lsgan.Forward(cleanCritic.call(fakeClean.detach()), false)) * 0.5;
        var criticRainy = (lsgan.Forward(rainyCritic.call(a), true) + lsgan.Forward(rainyCritic.call(fakeRainy.detach()), false)) * 0.5;
        var criticLoss = criticClean + criticRainy;
        if (!GuardedOptimizerStep.TryStep(criticOptimizer, criticLoss, criticParameters)) skipped++;

        losses["generators"] = Value(generatorLoss);
        losses["adv_clean"] = Value(advClean);
        losses["adv_rainy"] = Value(advRainy);
        losses["cycle"] = Value(cycle);
        if (identity is not null) losses["identity"] = Value(identity);
        losses["critics"] = Value(criticLoss);
        losses["critic_clean"] = Value(criticClean);
        losses["critic_rainy"] = Value(criticRainy);
        losses["lr"] = lr;
        steps++;
        return new MethodStepResult(losses, skipped);
    }

    /// <summary>
    /// Writes <c>derainer</c>, <c>rain_generator</c>, <c>critic_clean</c> and <c>critic_rainy</c> as safetensors,
    /// the two optimiser states and <c>method.json</c> to <paramref name="directory"/>.
    /// </summary>
    public void SaveState(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ObjectDisposedException.ThrowIf(disposed, this);
        MethodStateFile.Save(directory, MethodName, steps, Modules(), Optimizers());
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    /// <exception cref="RgsudException">A file is missing or does not match.</exception>
    public void LoadState(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ObjectDisposedException.ThrowIf(disposed, this);
        steps = MethodStateFile.Load(directory, MethodName, Modules(), Optimizers());
    }

    private (string, nn.Module)[] Modules() =>
        [("derainer", Derainer), ("rain_generator", rainGenerator), ("critic_clean", cleanCritic), ("critic_rainy", rainyCritic)];

    private (string, optim.Optimizer)[] Optimizers() => [("generators", generatorOptimizer), ("critics", criticOptimizer)];

    /// <summary>Disposes the optimisers and the four networks (the derainer included).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        generatorOptimizer.Dispose();
        criticOptimizer.Dispose();
        rainyCritic.Dispose();
        cleanCritic.Dispose();
        rainGenerator.Dispose();
        Derainer.Dispose();
    }

    private static double Value(Tensor t) => t.detach().item<float>();
}
