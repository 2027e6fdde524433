using Rgsud.Networks.Critics;
using Rgsud.Networks.Generators;

namespace Rgsud.Networks.Methods.CycleGan;

/// <summary>
/// Options of <see cref="CycleGanMethod"/>. The defaults follow CycleGAN (Zhu et al., ICCV 2017): a
/// <c>resnet_6blocks</c> clean → rainy generator, plain 70×70 PatchGANs, LSGAN, cycle weight 10, identity weight
/// 0.5 (relative to the cycle weight), Adam with lr 2e-4 and β = (0.5, 0.999).
/// </summary>
public sealed record CycleGanOptions
{
    /// <summary>The clean → rainy generator F.</summary>
    public ResnetGeneratorOptions Generator { get; init; } = ResnetGeneratorOptions.Reference;

    /// <summary>Both critics (D_clean and D_rainy); CycleGAN's plain 3-channel PatchGAN by default.</summary>
    public PatchGanOptions Critic { get; init; } = PatchGanOptions.Reference with { HighPassInput = false };

    /// <summary>Initial learning rate of both optimisers.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Adam's β₁.</summary>
    public double Beta1 { get; init; } = 0.5;

    /// <summary>Adam's β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Steps at which the learning rates are multiplied by <see cref="LearningRateGamma"/>. Empty: constant.</summary>
    public IReadOnlyList<long> Milestones { get; init; } = [];

    /// <summary>The factor applied at each milestone.</summary>
    public double LearningRateGamma { get; init; } = 0.5;

    /// <summary>Weight λ of the cycle-consistency terms <c>L1(F(G(A)), A) + L1(G(F(B)), B)</c> (10).</summary>
    public double CycleWeight { get; init; } = 10;

    /// <summary>
    /// Weight of the identity terms <c>L1(G(B), B) + L1(F(A), A)</c> relative to <see cref="CycleWeight"/>
    /// (CycleGAN's <c>lambda_identity</c>, 0.5; 0 disables them and saves two forward passes).
    /// </summary>
    public double IdentityWeight { get; init; } = 0.5;

    /// <summary>Weight of each adversarial term of the generators' loss (1).</summary>
    public double AdversarialWeight { get; init; } = 1;

    /// <summary>CycleGAN's configuration (the defaults).</summary>
    public static CycleGanOptions Reference => new();

    /// <summary>A CPU-sized configuration: small generator F (16 base channels, 2 blocks) and critics (16 base channels).</summary>
    public static CycleGanOptions Small => new()
    {
        Generator = ResnetGeneratorOptions.Small,
        Critic = PatchGanOptions.Small with { HighPassInput = false },
    };

    /// <summary>Throws an <see cref="RgsudException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Generator is null) throw new RgsudException("CycleGanOptions.Generator must not be null");
        if (Critic is null) throw new RgsudException("CycleGanOptions.Critic must not be null");
        Generator.Validate();
        Critic.Validate();
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new RgsudException($"CycleGanOptions.LearningRate must be positive and finite, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1))
            throw new RgsudException($"CycleGanOptions.Beta1 must be in [0, 1), got {Beta1}");
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw new RgsudException($"CycleGanOptions.Beta2 must be in [0, 1), got {Beta2}");
        MultiStepSchedule.Validate(Milestones, LearningRateGamma, nameof(CycleGanOptions));
        CheckWeight(CycleWeight, nameof(CycleWeight));
        CheckWeight(IdentityWeight, nameof(IdentityWeight));
        CheckWeight(AdversarialWeight, nameof(AdversarialWeight));
    }

    private static void CheckWeight(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new RgsudException($"CycleGanOptions.{name} must be non-negative and finite, got {value}");
    }
}
