using Xainomaly.Cli;

return CliApp.Run(args);
