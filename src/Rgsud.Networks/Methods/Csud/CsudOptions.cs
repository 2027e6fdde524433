using Rgsud.Networks.Critics;
using Rgsud.Networks.Generators;

namespace Rgsud.Networks.Methods.Csud;

/// <summary>
/// Options of <see cref="CsudMethod"/>. The defaults follow CSUD (Dong et al., CVPR 2025): the full-size
/// generator T and PatchGAN critic, Adam with lr 1e-4 and β = (0.9, 0.99) for all three networks, and the loss
/// weights of its derainer, generator and critic losses.
/// </summary>
public sealed record CsudOptions
{
    /// <summary>The rain-conditioned generator T.</summary>
    public RainConditionedGeneratorOptions Generator { get; init; } = RainConditionedGeneratorOptions.Reference;

    /// <summary>The critic D (CSUD: PatchGAN on <c>[I, I − blur(I)]</c>).</summary>
    public PatchGanOptions Critic { get; init; } = PatchGanOptions.Reference;

    /// <summary>Initial learning rate of the three Adam optimisers.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Adam's β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β₂.</summary>
    public double Beta2 { get; init; } = 0.99;

    /// <summary>
    /// Steps at which every learning rate is multiplied by <see cref="LearningRateGamma"/> (multi-step decay; the
    /// <c>step</c> passed to <see cref="CsudMethod.Step"/> is compared). Empty: a constant learning rate.
    /// </summary>
    public IReadOnlyList<long> Milestones { get; init; } = [];

    /// <summary>The factor applied at each milestone.</summary>
    public double LearningRateGamma { get; init; } = 0.5;

    /// <summary>Weight of the self-reconstruction terms <c>L1(T(B, dB), B) + L1(T(B, dA), B)</c> in the derainer loss (0.5).</summary>
    public double DerainerSelfReconstructionWeight { get; init; } = 0.5;

    /// <summary>Weight of the self-reconstruction terms <c>L1(T(B, B), B) + L1(T(B, dA), B)</c> in the generator loss (5).</summary>
    public double GeneratorSelfReconstructionWeight { get; init; } = 5;

    /// <summary>Weight of the channel-consistency term of the generator loss (10).</summary>
    public double ChannelConsistencyWeight { get; init; } = 10;

    /// <summary>Weight of each LSGAN term of the generator loss (1).</summary>
    public double AdversarialWeight { get; init; } = 1;

    /// <summary>
    /// Steps at the start of a run that train only the critic D, on its loss at <c>T = identity</c> (real rainy
    /// crops A against the clean crops B), with G and T frozen (0, CSUD's schedule). Beyond the paper: at a CPU
    /// budget a fresh D stays near the blind LSGAN value for hundreds of joint steps, and T, with no adversarial
    /// signal, settles at <c>T(B, ·) = B</c> (docs/method.md); a critic that already tells rain from clean images
    /// penalises that fixed point from the first joint step.
    /// The steps count towards the run's iterations.
    /// </summary>
    public int CriticWarmupSteps { get; init; }

    /// <summary>
    /// A torchvision VGG19 weights file (safetensors, <c>features.*</c> names; see docs/weights.md) for CSUD's
    /// perceptual term on the derainer, <c>L_percep(dB, B)</c>; null (the default) leaves the term out, because
    /// VGG19 weights cannot be downloaded by the library.
    /// </summary>
    public string? Vgg19WeightsPath { get; init; }

    /// <summary>Weight of the perceptual term when <see cref="Vgg19WeightsPath"/> is set (CSUD: 0.2; layer weights as <see cref="Perceptual.PerceptualLoss.CsudLayerWeights"/>).</summary>
    public double PerceptualWeight { get; init; } = 0.2;

    /// <summary>CSUD's configuration (the defaults).</summary>
    public static CsudOptions Reference => new();

    /// <summary>
    /// A CPU-sized configuration: the small generator (32 base channels, 2 residual blocks) and critic (16 base
    /// channels), and a learning rate of 5e-4. At CSUD's 1e-4 the critic stays blind for the first several hundred
    /// steps of a CPU run, and T and the derainer settle at the identity meanwhile (docs/method.md).
    /// </summary>
    public static CsudOptions Small => new()
    {
        Generator = RainConditionedGeneratorOptions.Small,
        Critic = PatchGanOptions.Small,
        LearningRate = 5e-4,
    };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Generator is null) throw new RgsudException("CsudOptions.Generator must not be null");
        if (Critic is null) throw new RgsudException("CsudOptions.Critic must not be null");
        Generator.Validate();
        Critic.Validate();
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new RgsudException($"CsudOptions.LearningRate must be positive and finite, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1))
            throw new RgsudException($"CsudOptions.Beta1 must be in [0, 1), got {Beta1}");
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw new RgsudException($"CsudOptions.Beta2 must be in [0, 1), got {Beta2}");
        MultiStepSchedule.Validate(Milestones, LearningRateGamma, nameof(CsudOptions));
        CheckWeight(DerainerSelfReconstructionWeight, nameof(DerainerSelfReconstructionWeight));
        CheckWeight(GeneratorSelfReconstructionWeight, nameof(GeneratorSelfReconstructionWeight));
        CheckWeight(ChannelConsistencyWeight, nameof(ChannelConsistencyWeight));
        CheckWeight(AdversarialWeight, nameof(AdversarialWeight));
        if (CriticWarmupSteps < 0)
            throw new RgsudException($"CsudOptions.CriticWarmupSteps must not be negative, got {CriticWarmupSteps}");
        if (Vgg19WeightsPath is not null && !File.Exists(Vgg19WeightsPath))
            throw new RgsudException($"CsudOptions.Vgg19WeightsPath: the VGG19 weights file '{Vgg19WeightsPath}' does not exist");
        CheckWeight(PerceptualWeight, nameof(PerceptualWeight));
    }

    private static void CheckWeight(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new RgsudException($"CsudOptions.{name} must be non-negative and finite, got {value}");
    }
}
