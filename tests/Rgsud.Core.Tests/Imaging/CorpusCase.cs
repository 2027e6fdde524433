using Rgsud.Testing;
using static TorchSharp.torch;

namespace Rgsud.Core.Tests.Imaging;

/// <summary>
/// One input of the bad-input corpus and the outcome the tests assert for it: either a typed error whose reason
/// contains <see cref="Reason"/>, or a successful read whose result <see cref="Check"/> verifies (the documented
/// conversion, described by <see cref="Conversion"/>).
/// </summary>
/// <param name="Id">Short id (theory data).</param>
/// <param name="Input">What the file is, for the documentation table.</param>
/// <param name="Create">Writes the file (or folder, or link) and returns its path.</param>
/// <param name="Reason">For an error: a fragment of <see cref="RgsudFileException.Reason"/>.</param>
/// <param name="Conversion">For a successful read: the documented conversion.</param>
/// <param name="Check">For a successful read: asserts the tensor.</param>
internal sealed record CorpusCase(string Id, string Input, Func<TempDirectory, string> Create, string? Reason, string? Conversion, Action<Tensor>? Check)
{
    /// <summary>The outcome column of the documentation table.</summary>
    public string Outcome => Reason is not null
        ? $"`RgsudImageException`: \"*path*: {Reason}…\""
        : $"reads: {Conversion}";
}
