using Goxec.Tests.Infrastructure;
using Goxec.Tests.Pipeline;
using Microsoft.Playwright;

namespace Goxec.Tests.Browser;

/// <summary>
/// The real graph serving the built web app, and Debian's headless Chromium driven by Playwright.
/// Playwright never downloads a browser here: it launches /usr/bin/chromium through the node driver
/// that ships in its NuGet package.
/// </summary>
public class BrowserGraphFixture : GoxecGraphFixture
{
    public const float UiTimeoutMs = 30_000;

    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where each test's screenshot goes (printed by <see cref="ScreenshotAsync"/>).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    protected override bool BuildWeb => true;

    public override async ValueTask InitializeAsync()
    {
        var chromium = Prerequisite.RequireExecutable("chromium", "apt-get install chromium");
        await base.InitializeAsync();
        System.Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(UiTimeoutMs);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox"],
            Timeout = UiTimeoutMs,
        });
    }

    /// <summary>A fresh browser profile (its own localStorage) with the Api as base URL.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.GetEndpoint("api").ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 860 },
            // The IDE tests paste code into the editor.
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(UiTimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Runs a job as the browser's own caller: anonymous, from loopback like the browser, so the IDE may show it (a
    /// job is its owner's; the suite's admin client submits jobs no browser may see).
    /// </summary>
    public async Task<System.Text.Json.JsonElement> RunAnonymouslyAsync(object job)
    {
        using var anonymous = new HttpClient { BaseAddress = App.GetEndpoint("api"), Timeout = Timeout };
        return await RunAsync(anonymous, job);
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        return path;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserGraphFixture>
{
    public const string Name = "browser";
}
