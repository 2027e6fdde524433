namespace Rgsud.Rewards.Scorers;

/// <summary>Progress of <see cref="RainCritic.Train(IReadOnlyList{TorchSharp.torch.Tensor}, IReadOnlyList{TorchSharp.torch.Tensor}, RainCriticOptions?, IProgress{RainCriticProgress}?, CancellationToken)"/>.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">The mean BCE loss of the steps since the previous report.</param>
/// <param name="Accuracy">The fraction of training crops classified correctly since the previous report.</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record RainCriticProgress(int Step, int TotalSteps, double Loss, double Accuracy, TimeSpan Elapsed);
