using BenchmarkDotNet.Running;
using Rgsud.Benchmarks.Soak;

// dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*'   (or --list flat)
// dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- soak --steps 2000   (long-run memory check)
if (args.Length > 0 && args[0] == "soak") return SoakBenchmark.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Rgsud.Benchmarks.LayoutBenchmarks).Assembly).Run(args);
return 0;
