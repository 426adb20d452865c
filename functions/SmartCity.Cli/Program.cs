using SmartCity.Cli;

return await CommandLine.RunAsync(args);
