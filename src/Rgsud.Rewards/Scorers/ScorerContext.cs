using static TorchSharp.torch;

namespace Rgsud.Rewards.Scorers;

/// <summary>What <see cref="ScorerCatalog.Create(string, ScorerContext?)"/> may need to build a scorer.</summary>
public sealed record ScorerContext
{
    /// <summary>
    /// NIQE's pristine model: BasicSR's official <c>niqe_pris_params.npz</c> or a JSON written by
    /// <see cref="Niqe.NiqeModel.SaveJson(string)"/>. Required by <c>niqe</c>.
    /// </summary>
    public string? NiqeModelPath { get; init; }

    /// <summary>
    /// A saved rain critic folder (<see cref="RainCritic.Save(string)"/>). When it does not exist yet and the training
    /// folders are set, <c>critic</c> trains a critic and saves it here.
    /// </summary>
    public string? CriticPath { get; init; }

    /// <summary>The rainy training images, for training the critic.</summary>
    public string? RainyTrainingDirectory { get; init; }

    /// <summary>The clean (unpaired) training images, for training the critic.</summary>
    public string? CleanTrainingDirectory { get; init; }

    /// <summary>Options for training the critic; the defaults when null.</summary>
    public RainCriticOptions? CriticOptions { get; init; }

    /// <summary>Receives the critic's training progress.</summary>
    public IProgress<RainCriticProgress>? CriticProgress { get; init; }

    /// <summary>The device learned scorers (critic, DA-CLIP) run on; the CPU when null. NIQE always runs on the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// DA-CLIP weights in Rgsud's format: a safetensors file converted from <c>daclip_ViT-B-32.pt</c> with
    /// <c>tools/convert_daclip.py</c> (docs/weights.md). Required by <c>daclip</c>.
    /// </summary>
    public string? DaclipWeightsPath { get; init; }

    /// <summary>Options of the DA-CLIP scorer (preprocessing, reward degradation, batch size); the defaults when null.</summary>
    public DaClip.DaClipOptions? DaClipOptions { get; init; }

    /// <summary>The normalisation of <c>ensemble:</c> specs without an <c>@mode</c>; <see cref="Normalization.FixedAffine"/> when null.</summary>
    public Normalization? EnsembleNormalization { get; init; }

    /// <summary>
    /// The images a <see cref="Normalization.FixedAffine"/> ensemble is calibrated on when it is created: the first
    /// <see cref="EnsembleCalibrationImages"/> images of this folder (one per scorer call, so sizes may differ).
    /// <see cref="RainyTrainingDirectory"/> (the rainy inputs, as the strategy's first pass sees them) when null;
    /// when both are null the ensemble is returned uncalibrated and must be calibrated before scoring.
    /// </summary>
    public string? EnsembleCalibrationDirectory { get; init; }

    /// <summary>At most this many images calibrate an ensemble (≥ 2). Default 64.</summary>
    public int EnsembleCalibrationImages { get; init; } = 64;
}
