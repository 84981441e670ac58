using System.Text.Json;

namespace Goxec.Tests.Compat;

/// <summary>
/// Piston v2's documented contract (engineer-man/piston docs/api-v2): runtimes, execute with its limits,
/// run/compile stages with status codes, and 400 <c>{"message"}</c> errors. Against the real graph.
/// </summary>
[Collection(CompatCollection.Name)]
public class PistonContractTests(CompatGraphFixture graph)
{
    [Fact]
    public async Task Runtimes_list_language_version_and_aliases()
    {
        var (status, runtimes) = await graph.GetAsync("/api/v2/runtimes");

        Assert.Equal(200, status);
        var python = runtimes.EnumerateArray().Single(r => r.GetProperty("language").GetString() == "python");
        Assert.Matches(@"^\d+\.\d+(\.\d+)?$", python.GetProperty("version").GetString());
        Assert.Contains("py", python.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Execute_runs_the_files_with_stdin_and_args()
    {
        var (status, body) = await graph.PostAsync("/api/v2/execute", new
        {
            language = "py", version = "*",
            files = new[] { new { name = "main.py", content = "import sys\nprint(input(), *sys.argv[1:])\nprint('e', file=sys.stderr)" } },
            stdin = "hello", args = new[] { "x", "y" }, run_timeout = 3000, run_cpu_time = 2000, run_memory_limit = 128_000_000,
        });

        Assert.True(status == 200, body.ToString());
        Assert.Equal("python", body.GetProperty("language").GetString());
        Assert.False(body.TryGetProperty("compile", out _));
        var run = body.GetProperty("run");
        Assert.Equal("hello x y\n", run.GetProperty("stdout").GetString());
        Assert.Equal("e\n", run.GetProperty("stderr").GetString());
        Assert.Equal("hello x y\ne\n", run.GetProperty("output").GetString());
        Assert.Equal(0, run.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("signal").ValueKind);
        Assert.Equal(JsonValueKind.Null, run.GetProperty("status").ValueKind);
        foreach (var field in new[] { "cpu_time", "wall_time", "memory" }) Assert.Equal(JsonValueKind.Number, run.GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task The_version_from_runtimes_is_accepted_and_base64_files_are_decoded()
    {
        var (_, runtimes) = await graph.GetAsync("/api/v2/runtimes");
        var version = runtimes.EnumerateArray().Single(r => r.GetProperty("language").GetString() == "c").GetProperty("version").GetString();

        var (status, body) = await graph.PostAsync("/api/v2/execute", new
        {
            language = "c", version,
            files = new[] { new { name = "main.c", content = Convert.ToBase64String("#include <stdio.h>\nint main(void){puts(\"ok\");return 0;}"u8.ToArray()), encoding = "base64" } },
        });

        Assert.True(status == 200, body.ToString());
        Assert.Equal(version, body.GetProperty("version").GetString());
        Assert.Equal(0, body.GetProperty("compile").GetProperty("code").GetInt32());
        Assert.Equal("ok\n", body.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_compile_error_has_a_compile_stage_and_no_run()
    {
        var (_, body) = await graph.PostAsync("/api/v2/execute", new { language = "c", version = "*", files = new[] { new { content = "int main(void) { return missing; }" } } });

        var compile = body.GetProperty("compile");
        Assert.NotEqual(0, compile.GetProperty("code").GetInt32());
        Assert.Contains("missing", compile.GetProperty("stderr").GetString() + compile.GetProperty("stdout").GetString());
        Assert.False(body.TryGetProperty("run", out _), body.ToString());
    }

    [Theory]
    [InlineData("import sys\nsys.exit(3)", "RE")]
    [InlineData("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", "SG")]
    [InlineData("while True: pass", "TO")]
    public async Task Failed_runs_carry_Pistons_status_codes(string code, string expected)
    {
        var (_, body) = await graph.PostAsync("/api/v2/execute", new { language = "python", version = "*", files = new[] { new { content = code } }, run_timeout = 2000, run_cpu_time = 1000 });

        var run = body.GetProperty("run");
        Assert.True(run.GetProperty("status").GetString() == expected, body.ToString());
        Assert.Equal(JsonValueKind.String, run.GetProperty("message").ValueKind);
        if (expected == "RE") Assert.Equal(3, run.GetProperty("code").GetInt32());
        if (expected == "SG") Assert.Equal("SIGSEGV", run.GetProperty("signal").GetString());
    }

    [Theory]
    [InlineData("""{"version":"*","files":[{"content":"x"}]}""", "language is required as a string")]
    [InlineData("""{"language":"python","files":[{"content":"x"}]}""", "version is required as a string")]
    [InlineData("""{"language":"python","version":"*"}""", "files is required as an array")]
    [InlineData("""{"language":"python","version":"*","files":[{"name":"a.py"}]}""", "files[0].content is required as a string")]
    [InlineData("""{"language":"brainfork","version":"1.0.0","files":[{"content":"x"}]}""", "brainfork-1.0.0 runtime is unknown")]
    [InlineData("""{"language":"python","version":"0.1","files":[{"content":"x"}]}""", "python-0.1 runtime is unknown")]
    [InlineData("""{"language":"python","version":"*","files":[{"content":"x"}],"run_timeout":999999999}""", "run_timeout cannot exceed the configured limit of 30000")]
    public async Task Bad_requests_get_Pistons_messages(string json, string message)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await graph.Http.PostAsync("/api/v2/execute", content, TestContext.Current.CancellationToken)
            .WaitAsync(CompatGraphFixture.Timeout, TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(message, body.GetProperty("message").GetString());
    }
}
