namespace Rgsud.Abstractions;

/// <summary>
/// A derainer whose output is its input plus a residual made by a last layer (NAFNet's <c>ending</c>, PReNet's
/// <c>conv</c>, Restormer's <c>output</c>).
/// </summary>
/// <remarks>
/// Unpaired training starts from scratch, and the rainy input is already a good first answer: with a freshly
/// initialised last layer the network first spends hundreds of steps unlearning the noise that layer adds (a
/// default-initialised 3×3 conv moves a few hundredths per 100 Adam steps at lr 1e-4). Zeroing that layer makes the
/// untrained network the identity; the first update makes the layer non-zero, and gradients then reach every
/// layer. <c>rgsud train</c> does this for a new run; pretrained weights loaded afterwards replace it.
/// </remarks>
public interface IResidualDerainer
{
    /// <summary>Zeroes the weights (and bias) of the layer that produces the residual, so the network returns its input.</summary>
    void InitializeAsIdentity();
}
