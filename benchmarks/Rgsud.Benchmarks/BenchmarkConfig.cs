using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Rgsud.Benchmarks;

/// <summary>
/// The jobs of the suite. <c>--job short</c> (the default here): 1 launch, 1 warm-up, 3 measured iterations of one
/// invocation each — the whole suite in about 10 minutes on 2 cores; <c>--job default</c> gives BenchmarkDotNet's
/// full statistics.
/// </summary>
internal static class BenchmarkConfig
{
    /// <summary>One invocation per iteration: every benchmark here is milliseconds to seconds long.</summary>
    public static Job Short { get; } = Job.ShortRun
        .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
        .WithInvocationCount(1).WithUnrollFactor(1)
        .WithId("short");

    public static IConfig Create(bool full) =>
        full ? DefaultConfig.Instance : DefaultConfig.Instance.AddJob(Short.AsDefault());
}
