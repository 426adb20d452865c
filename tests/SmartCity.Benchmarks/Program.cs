using SmartCity.Benchmarks;

return await BenchmarkCommand.RunAsync(args, Console.Out).ConfigureAwait(false);
