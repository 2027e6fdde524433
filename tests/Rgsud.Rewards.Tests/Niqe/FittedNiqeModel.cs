using System.Diagnostics;
using Rgsud.Imaging;
using Rgsud.Rewards.Niqe;

namespace Rgsud.Rewards.Tests.Niqe;

/// <summary>NIQE models fitted once on shared train-clean (used by several tests).</summary>
internal static class FittedNiqeModel
{
    private static readonly Lazy<(NiqeModel Model, TimeSpan Elapsed)> Official = new(() => Fit(new NiqeFitOptions()));
    private static readonly Lazy<(NiqeModel Model, TimeSpan Elapsed)> All = new(() => Fit(new NiqeFitOptions { SharpnessThreshold = 0 }));

    /// <summary>Fitted with the official sharpness selection (0.75).</summary>
    public static NiqeModel Model => Official.Value.Model;

    /// <summary>The time the official-selection fit took.</summary>
    public static TimeSpan Elapsed => Official.Value.Elapsed;

    /// <summary>Fitted on every patch (sharpness threshold 0).</summary>
    public static NiqeModel AllPatches => All.Value.Model;

    private static (NiqeModel, TimeSpan) Fit(NiqeFitOptions options)
    {
        var sw = Stopwatch.StartNew();
        var model = NiqeModel.Fit(ImageIO.ListImages(TestImages.Rain100L("train-clean")), options);
        return (model, sw.Elapsed);
    }
}
