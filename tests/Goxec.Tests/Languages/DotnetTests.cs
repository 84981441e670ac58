using System.Net.Http.Json;
using System.Text.Json;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Languages;

/// <summary>Modern C# on the host's .NET 10 SDK, through the API: C# 13 and .NET 9/10 APIs compile and run.</summary>
[Collection(LanguagesCollection.Name)]
public class DotnetTests(LanguagesGraphFixture graph)
{
    private const string CSharp13 = """
        using System.Text.Json;

        var numbers = Console.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        int[] all = [.. numbers, 0];                          // a collection expression (C# 12)
        var gate = new Lock();                                // System.Threading.Lock (.NET 9), which lock knows (C# 13)
        Sum sum;
        lock (gate) sum = new Sum(all[0], all[1], Total(all));
        Console.WriteLine(JsonSerializer.Serialize(sum));     // System.Text.Json
        Console.WriteLine(sum.Total);

        static int Total(params ReadOnlySpan<int> values)     // params collections (C# 13)
        {
            var total = 0;
            foreach (var value in values) total += value;
            return total;
        }

        record Sum(int A, int B, int Total);
        """;

    [Fact]
    public async Task A_CSharp_13_program_with_a_record_collection_expressions_and_System_Text_Json_is_accepted()
    {
        var job = await graph.RunAsync(new { language = "csharp-dotnet", code = CSharp13, stdin = "40 2\n" });

        GoxecGraphFixture.AssertVerdict("accepted", job);
        Assert.Equal("{\"A\":40,\"B\":2,\"Total\":42}\n42\n", job.GetProperty("run").GetProperty("stdout").GetString());
        TestContext.Current.TestOutputHelper?.WriteLine($"compile {job.GetProperty("compile")}\nrun {job.GetProperty("run")}");
    }

    [Fact]
    public async Task A_compile_error_names_the_line_and_the_CSharp_error()
    {
        var job = await graph.RunAsync(new { language = "csharp-dotnet", code = "var x = 1;\nx.Missing();\n" });

        GoxecGraphFixture.AssertVerdict("compile_error", job);
        Assert.Contains("main.cs(2,3): error CS1061", job.GetProperty("compile").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task The_judge0_ids_Judge0s_IDE_asks_for_run_programs_written_for_Judge0()
    {
        // 101 TypeScript (5.6.2), with the require declaration programs for Judge0's TypeScript carry; 102 JavaScript.
        var typescript = await Judge0Async(101, "declare var require: any;\nconst [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(' ').map(Number);\nconsole.log(a + b);\n");
        var javascript = await Judge0Async(102, "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(' ').map(Number);\nconsole.log(a + b);\n");

        foreach (var s in new[] { typescript, javascript })
        {
            Assert.True(s.GetProperty("status").GetProperty("id").GetInt32() == 3, s.ToString());
            Assert.Equal("42\n", s.GetProperty("stdout").GetString());
        }
        Assert.Equal("TypeScript (5.6.2)", (await graph.Http.GetFromJsonAsync<JsonElement>("/judge0/languages/101", TestContext.Current.CancellationToken)).GetProperty("name").GetString());
    }

    private async Task<JsonElement> Judge0Async(int language, string source)
    {
        using var response = await graph.Http.PostAsJsonAsync("/judge0/submissions?wait=true", new { source_code = source, language_id = language, stdin = "40 2" }, TestContext.Current.CancellationToken)
            .WaitAsync(GoxecGraphFixture.Timeout, TestContext.Current.CancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
