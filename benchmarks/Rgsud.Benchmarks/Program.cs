using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Rgsud.Benchmarks -- --filter '*'   (or --list flat)
BenchmarkSwitcher.FromAssembly(typeof(Rgsud.Benchmarks.LayoutBenchmarks).Assembly).Run(args);
