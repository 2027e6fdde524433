using Rgsud.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy.Synthesizers;

/// <summary>
/// The paper's stage-2 synthesizer for methods with a rain-conditioned generator <c>T</c> (CSUD): pseudo-rainy
/// <c>= T(B_u, O_r − B_rw)</c>, target <c>= B_u</c>. The rain layer <c>R = O_r − B_rw</c> (values in [−1,1]) is
/// the rain reference, so <c>T</c> renders the rain that the reward removed rather than the whole rainy image.
/// <para>
/// The renderer is called under <c>no_grad</c> and its output is detached: the derainer's loss on pseudo pairs
/// must not train <c>T</c> (and no graph through <c>T</c> is kept). The output is moved to the inputs' device and
/// given the layout of <c>clean</c>.
/// </para>
/// </summary>
public sealed class RainConditionedSynthesizer : IPseudoPairSynthesizer
{
    /// <inheritdoc />
    public string Name => "rain-conditioned";

    /// <summary>
    /// Pass the rain layer <c>O_r − B_rw</c> as the rain reference (default true, the paper). When false the rainy
    /// crop <c>O_r</c> itself is passed, CSUD's original <c>T(B, A)</c> conditioning (an ablation: the reward is
    /// then unused by the synthesis).
    /// </summary>
    public bool RainLayerAsReference { get; init; } = true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tensors are not <c>[N,3,h,w]</c> of one shape on one device.</exception>
    /// <exception cref="RgsudException">
    /// <paramref name="renderer"/> is null, or it returned a tensor of the wrong shape.
    /// </exception>
    public PseudoPairs Synthesize(Tensor rainy, Tensor rewards, Tensor clean, IRainRenderer? renderer)
    {
        SynthesisInputs.Validate(rainy, rewards, clean);
        if (renderer is null)
        {
            throw new RgsudException(
                "The rain-conditioned synthesizer needs a rain renderer, but the unpaired method has no rain renderer " +
                "(IUnpairedMethod.RainRenderer is null); use AdditiveRainLayerSynthesizer (\"additive\") instead.");
        }

        Tensor pseudoRainy;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var reference = RainLayerAsReference ? rainy.detach() - rewards.detach() : rainy.detach();
            var rendered = renderer.Render(clean.detach(), reference);
            if (rendered is null || !rendered.shape.SequenceEqual(clean.shape))
            {
                throw new RgsudException(
                    $"The rain renderer returned {(rendered is null ? "null" : SynthesisInputs.Shape(rendered))} for clean " +
                    $"crops of shape {SynthesisInputs.Shape(clean)}; it must return the clean crops' shape.");
            }
            var output = rendered.detach();
            if (!SynthesisInputs.SameDevice(output, clean)) output = output.to(clean.device);
            if (output.dtype != clean.dtype) output = output.to(clean.dtype);
            pseudoRainy = SynthesisInputs.MatchLayout(output, clean).MoveToOuterDisposeScope();
        }
        return new PseudoPairs(pseudoRainy, clean.detach());
    }
}
