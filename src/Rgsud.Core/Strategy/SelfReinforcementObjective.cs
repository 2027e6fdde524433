using Rgsud.Abstractions;
using Rgsud.Losses;
using Rgsud.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Rgsud.Strategy;

/// <summary>
/// Stage 2's extra derainer objective (the paper's <c>L = L_s1 + λ1·L_Der + λ2·L_re</c> minus the method's own
/// <c>L_s1</c>): for the batch rows that have a reward, <c>λ2·L_re(Der(O_r), B_rw)</c> plus
/// <c>λ1·(PSNR loss + SSIM loss)(Der(pseudoRainy), B_u)</c> on pseudo pairs synthesised from the rain layer
/// <c>O_r − B_rw</c>. With <see cref="CaptureOutputs"/> it also keeps a detached copy of <c>Der(O_r)</c> for
/// in-batch recycling.
/// </summary>
public sealed class SelfReinforcementObjective : IDerainerObjective
{
    private readonly PsnrLoss psnrLoss = new();
    private readonly SsimLoss ssimLoss = new();

    /// <summary>Creates the objective.</summary>
    /// <param name="synthesizer">Makes the pseudo pairs.</param>
    /// <param name="loss">The SR loss (carries λ2).</param>
    /// <param name="lambda1">λ1, the weight of L_Der on pseudo pairs.</param>
    /// <param name="minRainLayerRms">
    /// Rows whose rain layer <c>O_r − B_rw</c> has a root mean square below this (in [0,1] units) give no pseudo
    /// pair (see <see cref="SelfReinforcementOptions.MinRainLayerRms"/>); 0 keeps every row.
    /// </param>
    public SelfReinforcementObjective(IPseudoPairSynthesizer synthesizer, ISelfReinforcementLoss loss, double lambda1, double minRainLayerRms = 0)
    {
        Synthesizer = synthesizer ?? throw new ArgumentNullException(nameof(synthesizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        if (!double.IsFinite(lambda1) || lambda1 < 0) throw new ArgumentOutOfRangeException(nameof(lambda1), lambda1, "λ1 must be a finite number >= 0");
        if (!double.IsFinite(minRainLayerRms) || minRainLayerRms < 0)
            throw new ArgumentOutOfRangeException(nameof(minRainLayerRms), minRainLayerRms, "the rain-layer floor must be a finite number >= 0");
        Lambda1 = lambda1;
        MinRainLayerRms = minRainLayerRms;
    }

    /// <summary>The pseudo-pair synthesizer.</summary>
    public IPseudoPairSynthesizer Synthesizer { get; }

    /// <summary>The SR loss (carries λ2 as its weight).</summary>
    public ISelfReinforcementLoss Loss { get; }

    /// <summary>λ1, the weight of L_Der on pseudo pairs.</summary>
    public double Lambda1 { get; }

    /// <summary>Rows whose rain layer <c>O_r − B_rw</c> has a smaller root mean square give no pseudo pair.</summary>
    public double MinRainLayerRms { get; }

    /// <summary>When false the objective contributes nothing (stage 1) but may still capture outputs.</summary>
    public bool Active { get; set; } = true;

    /// <summary>Keep a detached copy of <c>Der(O_r)</c> in <see cref="CapturedOutputs"/> (in-batch recycling).</summary>
    public bool CaptureOutputs { get; set; }

    /// <summary>
    /// The last captured <c>Der(O_r)</c> (detached, clamped to [0,1]), outside any dispose scope: whoever reads it
    /// disposes it (the trainer does, right after the method's step).
    /// </summary>
    public Tensor? CapturedOutputs { get; set; }

    /// <inheritdoc />
    public DerainerObjectiveTerm Compute(DerainerObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batch = context.Batch;
        var parts = new Dictionary<string, Tensor>();
        Tensor? derained = context.DerainedRainy;
        if (CaptureOutputs)
        {
            if (derained is null && !Active)
            {
                using var noGrad = no_grad();
                derained = context.Derainer.call(TensorLayout.ToPreferred(batch.Rainy));
            }
            derained ??= context.Derainer.call(TensorLayout.ToPreferred(batch.Rainy));
            // Detached from every dispose scope: the method's own step scope would free it before the trainer reads it.
            CapturedOutputs?.Dispose();
            CapturedOutputs = derained.detach().clamp(0, 1).DetachFromDisposeScope();
        }

        var zero = torch.zeros([], dtype: batch.Rainy.dtype, device: batch.Rainy.device);
        if (!Active) return new DerainerObjectiveTerm(zero, parts);
        if (batch.Rewards is null || batch.RewardMask is null || !batch.RewardMask.any().item<bool>())
        {
            // Stage 2, but no row of this batch has a reward yet: the parts are logged as zero.
            parts["sr"] = zero;
            if (Lambda1 > 0) parts["pseudo"] = zero;
            return new DerainerObjectiveTerm(zero, parts);
        }

        derained ??= context.Derainer.call(TensorLayout.ToPreferred(batch.Rainy));
        var sr = Loss.Compute(derained, batch.Rewards, batch.RewardUtilities, batch.RewardMask);
        parts["sr"] = sr;
        var total = sr;

        if (Lambda1 > 0)
        {
            var rows = batch.RewardMask.nonzero().squeeze(1);
            var rainy = batch.Rainy.index_select(0, rows);
            var rewards = batch.Rewards.index_select(0, rows);
            var clean = batch.Clean.index_select(0, rows.remainder(batch.Clean.shape[0]));
            if (MinRainLayerRms > 0)
            {
                // A reward that is (nearly) its rainy input holds no rain layer: the "pseudo pair" would be clean → clean,
                // teaching the identity with the PSNR loss's 1/MSE-sized gradient. Such rows give no pseudo pair.
                var rms = (rainy - rewards).square().mean([1, 2, 3]).sqrt();
                var keep = (rms >= MinRainLayerRms).nonzero().squeeze(1);
                parts["pseudo_rows"] = torch.tensor((double)keep.shape[0], dtype: batch.Rainy.dtype, device: batch.Rainy.device);
                if (keep.shape[0] == 0)
                {
                    parts["pseudo"] = zero;
                    return new DerainerObjectiveTerm(total, parts);
                }
                if (keep.shape[0] < rows.shape[0])
                {
                    rainy = rainy.index_select(0, keep);
                    rewards = rewards.index_select(0, keep);
                    clean = clean.index_select(0, keep);
                }
            }
            var pairs = Synthesizer.Synthesize(rainy, rewards, clean, context.RainRenderer);
            var prediction = context.Derainer.call(TensorLayout.ToPreferred(pairs.Rainy.detach()));
            var target = pairs.Clean.detach();
            var pseudo = (psnrLoss.Forward(prediction, target) + ssimLoss.Forward(prediction, target)) * Lambda1;
            parts["pseudo"] = pseudo;
            total = total + pseudo;
        }
        return new DerainerObjectiveTerm(total, parts);
    }
}
