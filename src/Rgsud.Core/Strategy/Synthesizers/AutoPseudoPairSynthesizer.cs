using Rgsud.Abstractions;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Synthesizers;

/// <summary>
/// The default synthesizer: the paper's <see cref="RainConditionedSynthesizer"/> when the method exposes a rain
/// renderer, otherwise the method-agnostic <see cref="AdditiveRainLayerSynthesizer"/>.
/// </summary>
public sealed class AutoPseudoPairSynthesizer : IPseudoPairSynthesizer
{
    private readonly RainConditionedSynthesizer conditioned = new();
    private readonly AdditiveRainLayerSynthesizer additive = new();

    /// <inheritdoc />
    public string Name => "auto";

    /// <inheritdoc />
    public PseudoPairs Synthesize(Tensor rainy, Tensor rewards, Tensor clean, IRainRenderer? renderer) =>
        renderer is not null ? conditioned.Synthesize(rainy, rewards, clean, renderer) : additive.Synthesize(rainy, rewards, clean, renderer);
}
