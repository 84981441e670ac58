using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Goxec.Graph;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Goxec.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class IdeTests(BrowserGraphFixture graph)
{
    [Fact]
    public async Task A_python_program_reads_a_line_typed_into_the_terminal()
    {
        var ide = new IdePage(await graph.NewPageAsync());
        await ide.Page.GotoAsync("/");
        await ide.ChooseAsync("python");
        await ide.WriteCodeAsync("name = input()\nprint(f\"hello {name}\")\n");

        await ide.RunAsync();
        await ide.TypeInTerminalAsync("world\n");

        await Expect(ide.Terminal).ToContainTextAsync("hello world");
        await Expect(ide.Verdict).ToHaveTextAsync("Accepted");
        await Expect(ide.Page).ToHaveURLAsync(new Regex("/jobs/[^/]+$"));
        await BrowserGraphFixture.ScreenshotAsync(ide.Page, "ide");
    }

    [Fact]
    public async Task A_c_compile_error_shows_in_the_compile_pane()
    {
        var ide = new IdePage(await graph.NewPageAsync());
        await ide.Page.GotoAsync("/");
        await ide.ChooseAsync("c");
        await ide.WriteCodeAsync("int main(void) {\n    return undeclared_variable;\n}\n");

        await ide.RunAsync();

        await Expect(ide.Verdict).ToHaveTextAsync("Compile error");
        await Expect(ide.Page.GetByRole(AriaRole.Tab, new() { Name = "Compile output" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(ide.CompileOutput).ToContainTextAsync("undeclared_variable");
        await Expect(ide.CompileOutput).ToContainTextAsync("error");
        await BrowserGraphFixture.ScreenshotAsync(ide.Page, "compile-error");
    }

    [Fact]
    public async Task A_shared_link_shows_the_finished_job_after_a_reload()
    {
        var author = new IdePage(await graph.NewPageAsync());
        await author.Page.GotoAsync("/");
        await author.ChooseAsync("python");
        await author.WriteCodeAsync("print('shared', 6 * 7)\n");
        await author.RunAsync();
        await Expect(author.Verdict).ToHaveTextAsync("Accepted");
        await Expect(author.Page).ToHaveURLAsync(new Regex("/jobs/[^/]+$"));
        var link = new Uri(author.Page.Url).PathAndQuery;

        // Someone else (a fresh profile: no saved draft) opens the link, then reloads it.
        var reader = new IdePage(await graph.NewPageAsync());
        await reader.Page.GotoAsync(link);
        await Expect(reader.Verdict).ToHaveTextAsync("Accepted");
        await reader.Page.ReloadAsync();

        await Expect(reader.Page).ToHaveURLAsync(new Regex(Regex.Escape(link) + "$"));
        await Expect(reader.Page.GetByLabel("Language")).ToHaveValueAsync("python");
        await Expect(reader.Terminal).ToContainTextAsync("shared 42");
        await Expect(reader.Verdict).ToHaveTextAsync("Accepted");
        await BrowserGraphFixture.ScreenshotAsync(reader.Page, "shared-link");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stop_cancels_the_run_on_the_server_interactive_or_not(bool interactive)
    {
        var ide = new IdePage(await graph.NewPageAsync());
        await ide.Page.GotoAsync("/");
        await ide.ChooseAsync("python");
        if (!interactive) await ide.Page.GetByRole(AriaRole.Checkbox, new() { Name = "Interactive" }).UncheckAsync();
        await ide.WriteCodeAsync("import time\nprint('working', flush=True)\ntime.sleep(600)\n");
        await ide.RunAsync();
        await Expect(ide.Terminal).ToContainTextAsync("working");

        await ide.Page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await Expect(ide.Verdict).ToHaveTextAsync("Cancelled");
        await Expect(ide.Page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeDisabledAsync();
        var id = new Uri(ide.Page.Url).Segments.Last();
        using var http = new HttpClient { BaseAddress = graph.App.GetEndpoint("api") };
        var job = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/jobs/{id}", TestContext.Current.CancellationToken);
        Assert.Equal("cancelled", job.GetProperty("verdict").GetString());
        if (interactive) await BrowserGraphFixture.ScreenshotAsync(ide.Page, "stopped");
    }

    [Fact]
    public async Task A_link_shows_the_jobs_code_to_its_owner_and_nothing_to_anyone_else()
    {
        // The browser is an anonymous caller from loopback: jobs submitted from there are its own, the operator's are not.
        var own = (await graph.RunAnonymouslyAsync(new { language = "python", code = "print('shared code')\n" })).GetProperty("id").GetString();
        var foreign = (await graph.RunAsync(new { language = "python", code = "print('the operator')\n" })).GetProperty("id").GetString();
        var reader = new IdePage(await graph.NewPageAsync());

        await reader.Page.GotoAsync($"/jobs/{foreign}");
        await Expect(reader.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Job not found" })).ToBeVisibleAsync();
        await Expect(reader.Editor).Not.ToContainTextAsync("the operator");
        await reader.Page.GotoAsync($"/jobs/{own}");

        await Expect(reader.Verdict).ToHaveTextAsync("Accepted");
        await Expect(reader.Editor).ToContainTextAsync("print('shared code')");
    }

    [Fact]
    public async Task Output_that_is_not_utf8_comes_back_base64_and_is_shown_decoded()
    {
        // "café ", then 0xFF (never UTF-8), then a newline: the Api answers with the bytes in base64.
        var job = await graph.RunAnonymouslyAsync(new { language = "python", code = "import sys\nsys.stdout.buffer.write(b'caf\\xc3\\xa9 \\xff\\n')\n" });
        var run = job.GetProperty("run");
        Assert.Equal("base64", run.GetProperty("stdoutEncoding").GetString());
        var base64 = run.GetProperty("stdout").GetString()!;
        var reader = new IdePage(await graph.NewPageAsync());

        await reader.Page.GotoAsync($"/jobs/{job.GetProperty("id").GetString()}");

        await Expect(reader.Verdict).ToHaveTextAsync("Accepted");
        await Expect(reader.Terminal).ToContainTextAsync("café \uFFFD");
        await Expect(reader.Terminal).Not.ToContainTextAsync(base64);
        await Expect(reader.Page.Locator(".result-note")).ToContainTextAsync("Not UTF-8 (run stdout)");
        await BrowserGraphFixture.ScreenshotAsync(reader.Page, "base64-output");
    }
}
