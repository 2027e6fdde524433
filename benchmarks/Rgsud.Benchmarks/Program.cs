using BenchmarkDotNet.Running;
using Rgsud.Benchmarks;
using Rgsud.Benchmarks.Soak;

// The component suite (docs/benchmarks.md):
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*'            short job (~10 min)
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*' --full     BenchmarkDotNet's default job
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --list flat
//   dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- soak --steps 2000       long-run memory check
if (args.Length > 0 && args[0] == "soak") return SoakBenchmark.Run(args[1..]);
var full = args.Contains("--full");
var rest = args.Where(a => a != "--full").ToArray();
BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks).Assembly).Run(rest, BenchmarkConfig.Create(full));
return 0;
