using System.Text.Json.Serialization;

namespace Rgsud.Cli.Output;

/// <summary>The mean scores in the <c>eval</c> JSON report (each absent when it was not computed).</summary>
internal sealed record EvalMean(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Psnr,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Ssim,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Niqe);
