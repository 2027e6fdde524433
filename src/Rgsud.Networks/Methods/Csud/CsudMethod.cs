using Rgsud.Abstractions;
using Rgsud.Losses;
using Rgsud.Networks.Critics;
using Rgsud.Networks.Generators;
using Rgsud.Networks.Perceptual;
using Rgsud.Runtime;
using Rgsud.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Networks.Methods.Csud;

/// <summary>
/// CSUD, "Channel Consistency Prior and Self-Reconstruction Strategy Based Unsupervised Image Deraining" (Dong
/// et al., CVPR 2025): a derainer G trained from unpaired rainy (A) and clean (B) crops together with a
/// rain-conditioned generator T (<see cref="RainConditionedGenerator"/>, exposed as <see cref="RainRenderer"/>)
/// and a PatchGAN critic D on <c>[I, I − blur(I)]</c> (<see cref="PatchGan"/>).
/// </summary>
/// <remarks>
/// <para>One <see cref="Step"/> computes <c>oB = T(B, A)</c>, <c>dB = G(oB.detach())</c>, <c>dA = G(A)</c>,
/// <c>oA = T(dA, A)</c>, <c>oA2 = T(dA, oB)</c>, <c>oB2 = T(dB, oB)</c> and the self-reconstructions
/// <c>n1 = T(B, B)</c>, <c>n2 = T(B, dA)</c>, <c>n3 = T(B, dB)</c>, and makes three guarded Adam updates in this
/// order:</para>
/// <list type="number">
/// <item><b>G</b>: <c>L1(dB, B) − log10 SSIM(dB, B) + 0.5·[L1(n3, B) + L1(n2, B)]</c> plus the extra objective's
/// term (given <c>dA</c> as <see cref="DerainerObjectiveContext.DerainedRainy"/>). It back-propagates into G
/// through dB, dA, n2 and n3 (n2 and n3 pass through T to reach G). SSIM is <c>pytorch_ssim</c>'s (zero-padded
/// windows, <see cref="SsimPadding.Same"/>), as in CSUD.</item>
/// <item><b>T</b>: <c>5·[L1(n1, B) + L1(n2, B)] + 10·CC + Σ LSGAN(D(x), real)</c> over
/// x ∈ {oB, oA2, oA, oB2}, with <c>CC = L1(ΔR, ΔG) + L1(ΔG, ΔB) + L1(ΔB, ΔR)</c> and <c>Δc = B_c − oB_c</c>. Here dA
/// and dB enter as constants (<c>detach</c>): G has just been updated in place, and its graph was freed by the
/// first backward pass, so T's loss cannot and does not reach G. n2 is therefore recomputed as
/// <c>T(B, dA.detach())</c> (one extra forward of T). oB keeps its graph from the start of the step (T's weights
/// are unchanged until this update), so oA2 and oB2 back-propagate into T through both inputs.</item>
/// <item><b>D</b>: <c>LSGAN(D(A), real) + LSGAN(D(oB.detach()), fake)</c>, oB being the image rendered by T before
/// its update (as in CycleGAN-style training).</item>
/// </list>
/// <para>The first <see cref="CsudOptions.CriticWarmupSteps"/> steps (none by default) update only D, on its loss at
/// <c>T = identity</c> — <c>LSGAN(D(A), real) + LSGAN(D(B), fake)</c> — with G and T frozen, and report only
/// <c>critic</c> and <c>lr</c>.</para>
/// <para>Each update zeroes its own optimiser's gradients first, so the gradients that a loss leaves on the other
/// networks (T's and D's from G's and T's losses) are discarded. All learning rates follow a multi-step decay in
/// the <c>step</c> argument (<see cref="CsudOptions.Milestones"/>). With <see cref="CsudOptions.Vgg19WeightsPath"/> set, G's
/// loss also has CSUD's VGG19 perceptual term <c>0.2 · L_percep(dB, B)</c>; without it (the default) the term is left out.
/// The method owns all three networks (the derainer included) and disposes them.</para>
/// </remarks>
public sealed class CsudMethod : IUnpairedMethod
{
    private const string MethodName = "csud";

    private readonly RainConditionedGenerator generator;
    private readonly PatchGan critic;
    private readonly optim.Optimizer derainerOptimizer;
    private readonly optim.Optimizer generatorOptimizer;
    private readonly optim.Optimizer criticOptimizer;
    private readonly L1Loss l1 = new();
    private readonly NegLog10SsimLoss negLogSsim = new(padding: SsimPadding.Same);
    private readonly LsganLoss lsgan = new();
    private readonly PerceptualLoss? perceptual;
    private long steps;
    private bool disposed;

    /// <summary>Creates the method around <paramref name="derainer"/> (moved to <paramref name="device"/> and prepared with <see cref="TensorLayout.ApplyPreferred"/>).</summary>
    /// <param name="options">Options; null for <see cref="CsudOptions.Reference"/>.</param>
    /// <param name="derainer">The derainer G: any <c>[N,3,H,W] → [N,3,H,W]</c> module (NAFNet in CSUD). The method takes ownership.</param>
    /// <param name="device">The device of all networks; null for the CPU.</param>
    /// <exception cref="RgsudException">An option is invalid.</exception>
    /// <exception cref="RgsudWeightsException">The VGG19 weights file is not a usable VGG19 state dict.</exception>
    public CsudMethod(CsudOptions? options, nn.Module<Tensor, Tensor> derainer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(derainer);
        RgsudRuntime.EnsureInitialized();
        Options = options ?? CsudOptions.Reference;
        Options.Validate();
        Device = device ?? CPU;
        if (Options.Vgg19WeightsPath is not null)
            perceptual = PerceptualLoss.Load(Options.Vgg19WeightsPath, Device, Options.PerceptualWeight);

        Derainer = derainer;
        generator = new RainConditionedGenerator(Options.Generator);
        critic = new PatchGan(Options.Critic);
        Derainer.to(Device);
        generator.to(Device);
        critic.to(Device);
        TensorLayout.ApplyPreferred(Derainer);
        TensorLayout.ApplyPreferred(generator);
        TensorLayout.ApplyPreferred(critic);

        derainerOptimizer = Adam(Derainer);
        generatorOptimizer = Adam(generator);
        criticOptimizer = Adam(critic);
    }

    /// <summary>The options of the method.</summary>
    public CsudOptions Options { get; }

    /// <inheritdoc />
    public string Name => MethodName;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Derainer { get; }

    /// <summary>The rain-conditioned generator T.</summary>
    public RainConditionedGenerator Generator => generator;

    /// <summary>The critic D.</summary>
    public PatchGan Critic => critic;

    /// <inheritdoc />
    public IRainRenderer? RainRenderer => generator;

    /// <summary>Number of <see cref="Step"/> calls made (restored by <see cref="LoadState"/>).</summary>
    public long StepsTaken => steps;

    /// <summary>The learning rate of all three optimisers at <paramref name="step"/>.</summary>
    public double LearningRateAt(long step) =>
        MultiStepSchedule.Rate(Options.LearningRate, Options.Milestones, Options.LearningRateGamma, step);

    /// <summary>
    /// One CSUD iteration (see the class remarks). Loss names: <c>derainer</c> (total, with the extra term),
    /// <c>derainer_l1</c>, <c>derainer_ssim</c> (−log10 SSIM), <c>derainer_selfrec</c> (weighted), <c>derainer_perceptual</c>
    /// (weighted; only with VGG19 weights), the extra
    /// objective's parts as given, <c>generator</c>, <c>generator_selfrec</c>, <c>generator_cc</c>,
    /// <c>generator_adv</c> (weighted), <c>critic</c>, and <c>lr</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The rainy and clean crops are not <c>[N, 3, h, w]</c> of one shape.</exception>
    public MethodStepResult Step(UnpairedBatch batch, IDerainerObjective? extraObjective, long step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!batch.Rainy.shape.SequenceEqual(batch.Clean.shape) || batch.Rainy.dim() != 4 || batch.Rainy.shape[1] != 3)
            throw new ArgumentException(
                $"CSUD needs rainy and clean crops of one [N, 3, h, w] shape, got [{string.Join(", ", batch.Rainy.shape)}] and [{string.Join(", ", batch.Clean.shape)}]",
                nameof(batch));

        using var scope = NewDisposeScope();
        var losses = new Dictionary<string, double>();
        var skipped = 0;
        var lr = LearningRateAt(step);
        MultiStepSchedule.Apply(derainerOptimizer, lr);
        MultiStepSchedule.Apply(generatorOptimizer, lr);
        MultiStepSchedule.Apply(criticOptimizer, lr);
        Derainer.train();
        generator.train();
        critic.train();

        // Already channels-last from the trainer: these are aliases. NCHW batches are converted.
        var a = TensorLayout.ToPreferred(batch.Rainy);
        var b = TensorLayout.ToPreferred(batch.Clean);

        if (steps < Options.CriticWarmupSteps)
        {
            // Critic warm-up: D's loss at T = identity (real rainy A against the clean B); G and T are frozen.
            var warmupLoss = lsgan.Forward(critic.call(a), true) + lsgan.Forward(critic.call(b), false);
            if (!GuardedOptimizerStep.TryStep(criticOptimizer, warmupLoss, critic.parameters())) skipped++;
            losses["critic"] = Value(warmupLoss);
            losses["lr"] = lr;
            steps++;
            return new MethodStepResult(losses, skipped);
        }

        // 1. Derainer G.
        var oB = generator.call(b, a);
        var dB = Derainer.call(oB.detach());
        var dA = Derainer.call(a);
        var n2 = generator.call(b, dA);
        var n3 = generator.call(b, dB);
        var derainerL1 = l1.Forward(dB, b);
        var derainerSsim = negLogSsim.Forward(dB, b);
        var derainerSelfRec = (l1.Forward(n3, b) + l1.Forward(n2, b)) * Options.DerainerSelfReconstructionWeight;
        var derainerLoss = derainerL1 + derainerSsim + derainerSelfRec;
        if (perceptual is not null)
        {
            var derainerPerceptual = perceptual.Forward(dB, b);
            derainerLoss = derainerLoss + derainerPerceptual;
            losses["derainer_perceptual"] = Value(derainerPerceptual);
        }
        if (extraObjective is not null)
        {
            var term = extraObjective.Compute(new DerainerObjectiveContext(batch, Derainer, RainRenderer, dA));
            derainerLoss = derainerLoss + term.Loss;
            foreach (var (name, part) in term.Parts) losses[name] = part.detach().item<float>();
        }
        if (!GuardedOptimizerStep.TryStep(derainerOptimizer, derainerLoss, Derainer.parameters())) skipped++;

        // 2. Generator T (dA, dB are constants now; oB still has its graph through T).
        var dAc = dA.detach();
        var dBc = dB.detach();
        var oA = generator.call(dAc, a);
        var oA2 = generator.call(dAc, oB);
        var oB2 = generator.call(dBc, oB);
        var n1 = generator.call(b, b);
        var n2c = generator.call(b, dAc);
        var generatorSelfRec = (l1.Forward(n1, b) + l1.Forward(n2c, b)) * Options.GeneratorSelfReconstructionWeight;
        var cc = ChannelConsistency(b, oB) * Options.ChannelConsistencyWeight;
        var adversarial = (lsgan.Forward(critic.call(oB), true) + lsgan.Forward(critic.call(oA2), true)
            + lsgan.Forward(critic.call(oA), true) + lsgan.Forward(critic.call(oB2), true)) * Options.AdversarialWeight;
        var generatorLoss = generatorSelfRec + cc + adversarial;
        if (!GuardedOptimizerStep.TryStep(generatorOptimizer, generatorLoss, generator.parameters())) skipped++;

        // 3. Critic D.
        var criticLoss = lsgan.Forward(critic.call(a), true) + lsgan.Forward(critic.call(oB.detach()), false);
        if (!GuardedOptimizerStep.TryStep(criticOptimizer, criticLoss, critic.parameters())) skipped++;

        losses["derainer"] = Value(derainerLoss);
        losses["derainer_l1"] = Value(derainerL1);
        losses["derainer_ssim"] = Value(derainerSsim);
        losses["derainer_selfrec"] = Value(derainerSelfRec);
        losses["generator"] = Value(generatorLoss);
        losses["generator_selfrec"] = Value(generatorSelfRec);
        losses["generator_cc"] = Value(cc);
        losses["generator_adv"] = Value(adversarial);
        losses["critic"] = Value(criticLoss);
        losses["lr"] = lr;
        steps++;
        return new MethodStepResult(losses, skipped);
    }

    /// <summary>
    /// CSUD's channel-consistency prior on the rain layer: with <c>Δc = clean_c − rendered_c</c> for c ∈ {R, G, B},
    /// <c>L1(ΔR, ΔG) + L1(ΔG, ΔB) + L1(ΔB, ΔR)</c> (rain streaks are achromatic, so the layer should be equal in
    /// all channels).
    /// </summary>
    public static Tensor ChannelConsistency(Tensor clean, Tensor rendered)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(rendered);
        using var scope = NewDisposeScope();
        var delta = clean - rendered;
        var r = delta.select(1, 0);
        var g = delta.select(1, 1);
        var bl = delta.select(1, 2);
        var result = (r - g).abs().mean() + (g - bl).abs().mean() + (bl - r).abs().mean();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes <c>derainer.safetensors</c>, <c>generator.safetensors</c>, <c>critic.safetensors</c> (PyTorch
    /// state-dict names), the three optimiser states (<c>*.optimizer.bin</c>) and <c>method.json</c> (name, step
    /// counter) to <paramref name="directory"/>. The learning-rate schedule is a function of the step and needs no state.
    /// </summary>
    public void SaveState(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ObjectDisposedException.ThrowIf(disposed, this);
        MethodStateFile.Save(directory, MethodName, steps, Modules(), Optimizers());
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote (networks strictly: names, shapes and dtypes must match).</summary>
    /// <exception cref="RgsudException">A file is missing or does not match (an <see cref="RgsudFileException"/> or <see cref="RgsudWeightsException"/>).</exception>
    public void LoadState(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ObjectDisposedException.ThrowIf(disposed, this);
        steps = MethodStateFile.Load(directory, MethodName, Modules(), Optimizers());
    }

    private (string, nn.Module)[] Modules() => [("derainer", Derainer), ("generator", generator), ("critic", critic)];

    private (string, optim.Optimizer)[] Optimizers() =>
        [("derainer", derainerOptimizer), ("generator", generatorOptimizer), ("critic", criticOptimizer)];

    /// <summary>Disposes the optimisers and the three networks (the derainer included).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        derainerOptimizer.Dispose();
        generatorOptimizer.Dispose();
        criticOptimizer.Dispose();
        perceptual?.Dispose();
        critic.Dispose();
        generator.Dispose();
        Derainer.Dispose();
    }

    private optim.Optimizer Adam(nn.Module module) =>
        optim.Adam(module.parameters(), Options.LearningRate, Options.Beta1, Options.Beta2);

    private static double Value(Tensor t) => t.detach().item<float>();
}
