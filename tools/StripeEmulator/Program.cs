namespace StripeEmulator;

// An explicit entry class: a top-level Program would be a second public global Program beside the app's in the tests.
public static class EmulatorEntry
{
    public static void Main(string[] args) => EmulatorApp.Build(args).Run();
}
