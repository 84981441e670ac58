using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Goxec.Tests.Browser;

/// <summary>What a person does on the IDE page, in Playwright terms.</summary>
public sealed class IdePage(IPage page)
{
    public IPage Page => page;
    public ILocator Terminal => page.Locator("[data-testid=terminal] .xterm-rows");
    public ILocator Verdict => page.GetByRole(AriaRole.Region, new() { Name = "Result" }).Locator(".verdict");
    public ILocator CompileOutput => page.Locator(".compile-output");
    public ILocator Editor => page.Locator("[data-testid=code-editor] .view-lines");
    public ILocator Phase => page.Locator(".toolbar .pill");

    public async Task ChooseAsync(string languageId)
    {
        var select = page.GetByLabel("Language");
        await Expect(select.Locator($"option[value='{languageId}']")).ToHaveCountAsync(1);
        await select.SelectOptionAsync(languageId);
    }

    /// <summary>Replaces the editor's text by pasting it: typed text would meet Monaco's auto-closing brackets and auto-indent.</summary>
    public async Task WriteCodeAsync(string code)
    {
        await page.EvaluateAsync("text => navigator.clipboard.writeText(text)", code);
        await Editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Control+V");
        await Expect(Editor).ToContainTextAsync(code.Split('\n')[0]);
    }

    public Task RunAsync() => page.Keyboard.PressAsync("Control+Enter");

    /// <summary>Types into the terminal, once the program is running and reads it.</summary>
    public async Task TypeInTerminalAsync(string text)
    {
        await Expect(Phase).ToHaveTextAsync("Running");
        await page.Locator("[data-testid=terminal]").ClickAsync();
        await page.Keyboard.TypeAsync(text);
    }
}
