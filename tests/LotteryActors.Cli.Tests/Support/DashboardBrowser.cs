using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LotteryActors.Cli.Tests.Support;

/// <summary>
/// A dashboard open in Debian's chromium (headless, driven by Playwright; no browser is downloaded), connected to
/// its pushed updates, counting the page's loads so that a test can prove it never reloaded.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.Load += (_, _) => Loads++;
    }

    public IPage Page { get; }

    public int Loads { get; private set; }

    /// <summary>Opens <paramref name="url"/> at 1200 x 900 and waits until the page says it is live.</summary>
    public static async Task<DashboardBrowser> OpenAsync(string url)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: deploy/setup.sh --tests installs Debian's chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        var opened = new DashboardBrowser(playwright, browser, page);
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        return opened;
    }

    /// <summary>Where a test saves the screenshot <paramref name="name"/> (said in its output, to look at).</summary>
    public static string Screenshot(ITestOutputHelper output, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
