using Microsoft.Extensions.Options;

namespace Rgsud.Strategy;

/// <summary>Validates <see cref="SelfReinforcementOptions"/>; every message names the option and the rule.</summary>
public sealed class SelfReinforcementOptionsValidator : IValidateOptions<SelfReinforcementOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SelfReinforcementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> with every failure when <paramref name="options"/> is invalid.</summary>
    public static void ThrowIfInvalid(SelfReinforcementOptions options)
    {
        var result = new SelfReinforcementOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(SelfReinforcementOptions), result.Failures);
    }

    private static IEnumerable<string> Errors(SelfReinforcementOptions o)
    {
        if (o.Iterations < 1) yield return $"Iterations must be at least 1 (was {o.Iterations}).";
        if (o.Stage1Iterations is { } s1 && (s1 < 0 || s1 > o.Iterations))
            yield return $"Stage1Iterations must be between 0 and Iterations ({o.Iterations}) (was {s1}).";
        if (o.TimeBudget is { } budget && budget <= TimeSpan.Zero) yield return $"TimeBudget must be positive (was {budget}).";
        if (o.Stage1BudgetFraction is < 0 or > 1 || double.IsNaN(o.Stage1BudgetFraction))
            yield return $"Stage1BudgetFraction must be between 0 and 1 (was {o.Stage1BudgetFraction}).";
        if (o.Stage2MinImprovedShare is < 0 or > 1 || double.IsNaN(o.Stage2MinImprovedShare))
            yield return $"Stage2MinImprovedShare must be between 0 and 1 (was {o.Stage2MinImprovedShare}).";
        if (o.RecycleEvery < 1) yield return $"RecycleEvery must be at least 1 (was {o.RecycleEvery}).";
        if (o.CropSize < 16 || o.CropSize % 8 != 0) yield return $"CropSize must be a multiple of 8 and at least 16 (was {o.CropSize}).";
        if (o.BatchSize < 1) yield return $"BatchSize must be at least 1 (was {o.BatchSize}).";
        if (!double.IsFinite(o.Lambda1) || o.Lambda1 < 0) yield return $"Lambda1 must be a finite number >= 0 (was {o.Lambda1}).";
        if (!double.IsFinite(o.MinRainLayerRms) || o.MinRainLayerRms < 0 || o.MinRainLayerRms > 1) yield return $"MinRainLayerRms must be in [0, 1] (was {o.MinRainLayerRms}).";
        if (!double.IsFinite(o.Lambda2) || o.Lambda2 < 0) yield return $"Lambda2 must be a finite number >= 0 (was {o.Lambda2}).";
        if (o.RecycleBatchSize < 1) yield return $"RecycleBatchSize must be at least 1 (was {o.RecycleBatchSize}).";
        if (o.RecycleTilePixels < 64 * 64) yield return $"RecycleTilePixels must be at least 4096 (was {o.RecycleTilePixels}).";
        if (o.PlateauWindow < 1) yield return $"PlateauWindow must be at least 1 (was {o.PlateauWindow}).";
        if (o.PlateauAcceptanceRate is < 0 or > 1 || double.IsNaN(o.PlateauAcceptanceRate))
            yield return $"PlateauAcceptanceRate must be between 0 and 1 (was {o.PlateauAcceptanceRate}).";
        if (o.CheckpointEvery < 0) yield return $"CheckpointEvery must be 0 or more (was {o.CheckpointEvery}).";
        if (o.KeepCheckpoints < 1) yield return $"KeepCheckpoints must be at least 1 (was {o.KeepCheckpoints}).";
        if (o.LogEvery < 1) yield return $"LogEvery must be at least 1 (was {o.LogEvery}).";
        if (o.MaxConsecutiveSkippedSteps < 1) yield return $"MaxConsecutiveSkippedSteps must be at least 1 (was {o.MaxConsecutiveSkippedSteps}).";
    }
}
