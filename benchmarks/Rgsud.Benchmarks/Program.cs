using BenchmarkDotNet.Running;
using Rgsud.Benchmarks;

// The component suite (docs/benchmarks.md):
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*'            short job (~10 min)
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*' --full     BenchmarkDotNet's default job
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --list flat
var full = args.Contains("--full");
var rest = args.Where(a => a != "--full").ToArray();
BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks).Assembly).Run(rest, BenchmarkConfig.Create(full));
