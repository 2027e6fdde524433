return Rgsud.Cli.CliApp.Run(args, Console.Out, Console.Error);
