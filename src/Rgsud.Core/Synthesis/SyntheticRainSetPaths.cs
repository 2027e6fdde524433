namespace Rgsud.Synthesis;

/// <summary>The four folders <see cref="SyntheticRainSet.Write"/> fills.</summary>
/// <param name="TrainRainy">Rainy training images <c>rain-NNN.png</c>.</param>
/// <param name="TrainClean">Clean training images of other scenes <c>norain-NNN.png</c>.</param>
/// <param name="TestRainy">Rainy test images <c>rain-NNN.png</c>.</param>
/// <param name="TestClean">Their ground truth <c>norain-NNN.png</c> (same numbers).</param>
public sealed record SyntheticRainSetPaths(string TrainRainy, string TrainClean, string TestRainy, string TestClean);
