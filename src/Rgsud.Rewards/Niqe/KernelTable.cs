namespace Rgsud.Rewards.Niqe;

/// <summary>Per-output taps of a 1-D resampling: row-major <c>[outputs, Taps]</c> weights and 0-based input indices.</summary>
internal readonly record struct KernelTable(double[] Weights, int[] Indices, int Taps);
