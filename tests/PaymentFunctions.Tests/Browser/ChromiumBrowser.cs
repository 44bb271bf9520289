using OpenQA.Selenium.Chrome;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Browser;

/// Headless Chromium, Debian's chromium and chromium-driver (./test.sh installs them where missing), driven by
/// Selenium through the system chromedriver: with the driver and the browser named, Selenium Manager (which would
/// download both) never runs. One browser per test class (IClassFixture); tests share it one at a time.
public sealed class ChromiumBrowser : IDisposable
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
    public static readonly string DriverPath = Environment.GetEnvironmentVariable("CHROMEDRIVER_PATH") ?? "/usr/bin/chromedriver";

    /// Where screenshots go: beside the TRX that ./test.sh writes (TestResults/results.trx).
    public static readonly string ScreenshotFolder = Path.Combine(RepoPaths.Root, "TestResults", "screenshots");

    public ChromiumBrowser()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException($"Chromium ({ChromiumPath}) or chromedriver ({DriverPath}) is missing: ./test.sh installs Debian's chromium and chromium-driver, or set CHROMIUM_PATH and CHROMEDRIVER_PATH.");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600", "--no-first-run", "--lang=en-US");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Driver { get; }

    /// Saves what the page shows now as TestResults/screenshots/{name}.png and returns the path.
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
