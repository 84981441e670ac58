using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Languages;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Languages;

/// <summary>
/// The Judge0 ids Judge0's own IDE asks for (43 Plain Text, 98 PHP, 99 R, 101 TypeScript, 102 JavaScript):
/// <c>GET /judge0/languages/{id}</c> answers with Judge0 CE's name and the entry file, and a submission
/// with that id runs the language's sum program as Judge0 would.
/// </summary>
[Collection(LanguagesCollection.Name)]
public class Judge0IdTests(LanguagesGraphFixture graph)
{
    private static readonly string Runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");

    [Theory]
    [InlineData(43, "Plain Text", "plaintext", "sum.txt")]
    [InlineData(98, "PHP (8.3.11)", "php", "sum.php")]
    [InlineData(99, "R (4.4.1)", "r", "sum.R")]
    [InlineData(101, "TypeScript (5.6.2)", "typescript", "sum-declares-require.ts")]
    [InlineData(102, "JavaScript (Node.js 22.08.0)", "javascript", "sum.js")]
    public async Task The_ids_Judge0s_IDE_asks_for_answer_and_run(int id, string name, string language, string program)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await graph.Http.GetAsync($"/judge0/languages/{id}", ct).WaitAsync(GoxecGraphFixture.Timeout, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var described = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(id, described.GetProperty("id").GetInt32());
        Assert.Equal(name, described.GetProperty("name").GetString());
        Assert.Equal(LanguageCatalog.LoadDefault().Find(language)!.File, described.GetProperty("source_file").GetString());

        var source = await File.ReadAllTextAsync(Path.Combine(Runtimes, language, "tests", program), ct);
        using var submitted = await graph.Http.PostAsJsonAsync("/judge0/submissions?wait=true", new { source_code = source, language_id = id, stdin = "40 2" }, ct)
            .WaitAsync(GoxecGraphFixture.Timeout, ct);
        var submission = await submitted.Content.ReadFromJsonAsync<JsonElement>(ct);

        Assert.True(submission.GetProperty("status").GetProperty("id").GetInt32() == 3, submission.ToString());
        Assert.Equal("42", submission.GetProperty("stdout").GetString()!.Trim());
    }
}
