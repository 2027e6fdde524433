using System.Text.Json.Serialization;

namespace Rgsud.Cli.Output;

/// <summary>One image's scores in the <c>eval</c> JSON report (each score absent when it was not computed).</summary>
internal sealed record EvalImageResult(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Psnr,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Ssim,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Niqe);
