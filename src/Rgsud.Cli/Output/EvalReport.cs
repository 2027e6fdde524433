using System.Text.Json.Serialization;

namespace Rgsud.Cli.Output;

/// <summary>
/// The <c>eval</c> JSON report: <c>{"images":[{"name","psnr","ssim","niqe"}],"mean":{"psnr","ssim","niqe"},"channel","cropBorder","niqeModel"}</c>;
/// <c>psnr</c>/<c>ssim</c> only with ground truth, <c>niqe</c> and <c>niqeModel</c> only with a NIQE model.
/// </summary>
internal sealed record EvalReport(
    IReadOnlyList<EvalImageResult> Images,
    EvalMean Mean,
    string Channel,
    int CropBorder,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NiqeModel);
