using StripeEmulator;

EmulatorApp.Build(args).Run();
