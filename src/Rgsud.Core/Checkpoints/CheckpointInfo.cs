namespace Rgsud.Checkpoints;

/// <summary>A complete, verified checkpoint on disk.</summary>
/// <param name="Directory">Its folder.</param>
/// <param name="Step">The number of training steps it contains (the next step to run).</param>
public sealed record CheckpointInfo(string Directory, long Step);
