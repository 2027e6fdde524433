namespace Rgsud.Data;

/// <summary>A prediction and the ground-truth image it is compared with.</summary>
/// <param name="Name">The prediction's file name without extension (used in reports).</param>
/// <param name="Prediction">Path of the prediction.</param>
/// <param name="Target">Path of the ground truth.</param>
/// <param name="ByNumber">True when paired by the last number of the names rather than by identical names.</param>
public sealed record ImagePair(string Name, string Prediction, string Target, bool ByNumber);
