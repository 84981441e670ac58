using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Goxec.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class DashboardTests(BrowserGraphFixture graph)
{
    [Fact]
    public async Task The_dashboard_lists_both_workers_and_counts_jobs_as_they_finish()
    {
        var page = await graph.NewPageAsync();
        await page.GotoAsync("/dashboard");
        var workers = page.Locator("section.card").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Workers" }) })
            .Locator("tbody tr");
        await Expect(workers).ToHaveCountAsync(2);
        await Expect(workers.Locator("[aria-label=healthy]")).ToHaveCountAsync(2);
        var before = await AcceptedCountAsync(page);

        for (var i = 0; i < 3; i++) await graph.RunAsync(new { language = "python", code = $"print({i})" });
        await graph.RunAsync(new { language = "python", code = "raise SystemExit(3)" });

        await Expect(Count(page, "Accepted")).ToHaveTextAsync((before + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Count(page, "Runtime error")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Jobs completed per second" })).ToBeVisibleAsync();
        await BrowserGraphFixture.ScreenshotAsync(page, "dashboard");
    }

    private static ILocator Count(IPage page, string verdict) =>
        page.Locator(".verdicts li").Filter(new() { Has = page.Locator(".verdict-name", new() { HasTextString = verdict }) }).Locator(".verdict-count");

    /// <summary>The accepted count now (other tests in the collection may have run jobs already).</summary>
    private static async Task<int> AcceptedCountAsync(IPage page)
    {
        await Expect(page.Locator("h2:text-is('Verdicts') + *")).ToBeVisibleAsync();
        var count = Count(page, "Accepted");
        return await count.CountAsync() == 0 ? 0 : int.Parse(await count.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
