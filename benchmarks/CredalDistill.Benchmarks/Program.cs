using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(CredalDistill.Benchmarks.EdgeVsCloudLatency).Assembly).Run(args);
