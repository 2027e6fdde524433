using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Synthesizers;

/// <summary>
/// The method-agnostic pseudo-pair synthesizer: the rain layer <c>R = O_r − B_rw</c> (a rainy crop minus its
/// aligned reward crop, values in [−1,1]) is added to an unpaired clean crop, pseudo-rainy
/// <c>= clamp(B_u + R, 0, 1)</c>, target <c>= B_u</c>. Works for any unpaired method (no rain renderer needed).
/// Rows whose reward is the rainy crop itself (no reward yet) have <c>R = 0</c> and give the identity pair
/// <c>(B_u, B_u)</c>. The outputs carry no autograd graph, stay on the inputs' device and have the layout of
/// <c>clean</c>.
/// </summary>
public sealed class AdditiveRainLayerSynthesizer : IPseudoPairSynthesizer
{
    /// <inheritdoc />
    public string Name => "additive";

    /// <summary>
    /// Keep only the non-negative part of the rain layer, <c>max(O_r − B_rw, 0)</c> (default false). Rain streaks
    /// are brighter than the background behind them, so the positive part is the rain proper; the negative part is
    /// where the reward is brighter than the rainy crop (haze removed, exposure or colour changed by the derainer),
    /// which is not rain and would darken <c>B_u</c>.
    /// </summary>
    public bool ClampRainLayerNonNegative { get; init; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tensors are not <c>[N,3,h,w]</c> of one shape on one device.</exception>
    public PseudoPairs Synthesize(Tensor rainy, Tensor rewards, Tensor clean, IRainRenderer? renderer)
    {
        SynthesisInputs.Validate(rainy, rewards, clean);
        Tensor pseudoRainy;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var rain = rainy.detach() - rewards.detach();
            if (ClampRainLayerNonNegative) rain = rain.clamp_min(0);
            var sum = (clean.detach() + rain).clamp(0, 1);
            pseudoRainy = SynthesisInputs.MatchLayout(sum, clean).MoveToOuterDisposeScope();
        }
        return new PseudoPairs(pseudoRainy, clean.detach());
    }
}
