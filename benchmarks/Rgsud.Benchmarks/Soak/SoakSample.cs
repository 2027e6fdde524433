namespace Rgsud.Benchmarks.Soak;

/// <summary>One measurement of the soak run, taken after a full garbage collection.</summary>
/// <param name="Step">Training steps completed.</param>
/// <param name="Seconds">Wall time since training started.</param>
/// <param name="RssMiB">Resident set size of the process (MiB).</param>
/// <param name="ManagedMiB">Managed heap after the collection (MiB).</param>
/// <param name="LiveTensors">TorchSharp's <c>DisposeScopeManager.Statistics.ThreadTotalLiveCount</c> on the training thread.</param>
/// <param name="CreatedOutsideScope">Tensors created outside any dispose scope so far (<c>CreatedOutsideScopeCount</c>).</param>
/// <param name="BankFilled">Reward-bank slots holding a reward.</param>
internal sealed record SoakSample(long Step, double Seconds, double RssMiB, double ManagedMiB, long LiveTensors, long CreatedOutsideScope, int BankFilled);
