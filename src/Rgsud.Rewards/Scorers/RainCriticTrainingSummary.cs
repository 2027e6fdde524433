namespace Rgsud.Rewards.Scorers;

/// <summary>What training a <see cref="RainCritic"/> did and measured.</summary>
/// <param name="TrainImages">Rainy and clean images trained on.</param>
/// <param name="CalibrationImages">Rainy and clean images held out to fit the temperature (0 when not calibrated).</param>
/// <param name="Steps">Optimiser steps applied.</param>
/// <param name="SkippedSteps">Steps dropped for a non-finite loss or gradient.</param>
/// <param name="FinalLoss">Mean BCE loss over the last 10 % of the steps.</param>
/// <param name="Temperature">The fitted temperature (1 when not calibrated).</param>
/// <param name="CalibrationLogLoss">Mean negative log-likelihood of the held-out crops at the fitted temperature (NaN when not calibrated).</param>
/// <param name="CalibrationAccuracy">Fraction of held-out crops classified correctly (NaN when not calibrated).</param>
/// <param name="Elapsed">Wall-clock training time.</param>
public sealed record RainCriticTrainingSummary(
    int TrainImages,
    int CalibrationImages,
    int Steps,
    int SkippedSteps,
    double FinalLoss,
    double Temperature,
    double CalibrationLogLoss,
    double CalibrationAccuracy,
    TimeSpan Elapsed);
