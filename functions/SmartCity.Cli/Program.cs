using SmartCity.Cli;

return await SmartCityCommandLine.RunAsync(args, CommandConsole.ForProcess());
