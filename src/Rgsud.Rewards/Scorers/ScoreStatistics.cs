namespace Rgsud.Rewards.Scorers;

/// <summary>
/// The mean and standard deviation of one member's utilities (higher-is-better scores) on the calibration images,
/// used by <see cref="Normalization.FixedAffine"/>. Keep them with a run's checkpoint and restore them with
/// <see cref="EnsembleScorer.SetCalibration(IReadOnlyList{ScoreStatistics})"/> so scores stay comparable after a
/// resume.
/// </summary>
/// <param name="Mean">The mean utility.</param>
/// <param name="StandardDeviation">The population standard deviation of the utilities (&gt; 0).</param>
/// <param name="Count">The number of images it was fitted on.</param>
public sealed record ScoreStatistics(double Mean, double StandardDeviation, int Count);
