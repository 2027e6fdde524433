namespace Rgsud.Weights;

/// <summary>What <see cref="ModuleWeights.Load"/> did.</summary>
/// <param name="Loaded">State-dict names whose values were copied from the file.</param>
/// <param name="Missing">Names the module has and the file lacks (left unchanged; only possible when not strict).</param>
/// <param name="Unexpected">Names the file has and the module lacks (ignored; only possible when not strict).</param>
public sealed record WeightsLoadResult(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);
