using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Languages;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Languages;

/// <summary>
/// Every language proven by real programs through the whole pipeline: programs that read two integers
/// and print their sum (<c>tests/sum*.*</c>: the plain one, and programs written the way people write
/// them for other runners — an escript whose first line is code, a TypeScript program declaring
/// <c>require</c>…), and one that fails (to compile, or at run time). CI runs the core set
/// (runtimes/CORE); <c>./goxec test --all-languages</c> runs every language.
/// </summary>
[Collection(LanguagesCollection.Name)]
public class LanguageTests(LanguagesGraphFixture graph)
{
    private static readonly string Runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");

    public static TheoryData<string> Languages()
    {
        var all = Environment.GetEnvironmentVariable("GOXEC_TEST_ALL_LANGUAGES") == "1";
        var core = File.ReadLines(Path.Combine(Runtimes, "CORE")).Where(l => !l.StartsWith('#')).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new TheoryData<string>(all ? LanguageCatalog.LoadDefault().All.Select(l => l.Id) : core);
    }

    /// <summary>Each language's sum programs: <c>sum.*</c> and any <c>sum-&lt;what&gt;.*</c>.</summary>
    public static TheoryData<string, string> SumPrograms() => new(
        from language in Languages().Select(row => row.Data)
        from path in Directory.EnumerateFiles(Path.Combine(Runtimes, language, "tests"), "sum*.*").Order(StringComparer.Ordinal)
        select (language, Path.GetFileName(path)));

    /// <summary>Languages with a failing program (Plain Text, which only prints its text, has none).</summary>
    public static TheoryData<string> FailingLanguages() => new(Languages().Select(row => row.Data).Where(l => ExpectedFailure(l) != "none"));

    [Theory]
    [MemberData(nameof(SumPrograms))]
    public async Task Sums_two_integers_from_stdin(string language, string program)
    {
        var job = await graph.RunAsync(new { language, files = new[] { Program(language, program) }, stdin = "40 2\n" });

        GoxecGraphFixture.AssertVerdict("accepted", job);
        Assert.Equal("42", job.GetProperty("run").GetProperty("stdout").GetString()!.Trim());
    }

    [Theory]
    [MemberData(nameof(FailingLanguages))]
    public async Task A_broken_program_gets_its_verdict(string language)
    {
        var expected = ExpectedFailure(language);

        var job = await graph.RunAsync(new { language, files = new[] { Program(language, Directory.EnumerateFiles(Path.Combine(Runtimes, language, "tests"), "fail.*").Select(Path.GetFileName).Single()!) } });

        GoxecGraphFixture.AssertVerdict(expected, job);
        if (expected == "compile_error") Assert.Equal(JsonValueKind.Null, job.GetProperty("run").ValueKind);
        else Assert.NotEqual(0, job.GetProperty("run").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Languages_list_their_image_versions()
    {
        var core = Languages().Select(row => row.Data).ToHashSet();
        JsonElement languages = default;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        do
        {
            languages = await graph.Http.GetFromJsonAsync<JsonElement>("/api/v1/languages", deadline.Token);
        }
        while (languages.EnumerateArray().Any(l => core.Contains(l.GetProperty("id").GetString()!) && l.GetProperty("version").ValueKind == JsonValueKind.Null)
               && await Delay(deadline.Token));

        Assert.True(languages.GetArrayLength() >= 80, $"only {languages.GetArrayLength()} languages");
        var python = languages.EnumerateArray().Single(l => l.GetProperty("id").GetString() == "python");
        Assert.StartsWith("Python 3", python.GetProperty("version").GetString());
        Assert.All(languages.EnumerateArray().Where(l => core.Contains(l.GetProperty("id").GetString()!)),
            l => Assert.False(string.IsNullOrWhiteSpace(l.GetProperty("version").GetString()), l.ToString()));
    }

    private static async Task<bool> Delay(CancellationToken ct)
    {
        await Task.Delay(500, ct);
        return true;
    }

    /// <summary>tests/expect.yaml's <c>fail:</c> — compile_error, runtime_error, or none.</summary>
    private static string ExpectedFailure(string language) =>
        File.ReadLines(Path.Combine(Runtimes, language, "tests", "expect.yaml"))
            .Select(l => l.Split(':', 2)).Single(p => p[0].Trim() == "fail")[1].Trim();

    /// <summary>The test program as a file named like the language's entry file, so project layouts (Main.java…) hold.</summary>
    private static object Program(string language, string fileName)
    {
        var definition = LanguageCatalog.LoadDefault().Find(language)!;
        return new { name = definition.File, content = File.ReadAllText(Path.Combine(Runtimes, language, "tests", fileName)) };
    }
}

/// <summary>The graph with the server's own default limits: compilers and JVMs need their normal room.</summary>
public sealed class LanguagesGraphFixture : GoxecGraphFixture
{
    protected override Dictionary<string, string> Environment() => new() { ["Worker__Concurrency"] = "2" };
}

[CollectionDefinition(Name)]
public sealed class LanguagesCollection : ICollectionFixture<LanguagesGraphFixture>
{
    public const string Name = "languages";
}
