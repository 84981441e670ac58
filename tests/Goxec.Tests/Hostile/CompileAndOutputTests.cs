using System.Net.Http.Json;
using System.Text.Json;
using static Goxec.Tests.Hostile.HostileGraphFixture;
using static Goxec.Tests.Pipeline.GoxecGraphFixture;

namespace Goxec.Tests.Hostile;

/// <summary>Self-inflicted signals, hostile output bytes, compile bombs, and the limits contract.</summary>
[Collection(HostileCollection.Name)]
public class CompileAndOutputTests(HostileGraphFixture graph)
{
    [Theory]
    [InlineData("#include <signal.h>\nint main(void){ raise(SIGSEGV); return 0; }", "SIGSEGV")]
    // raise, not 1/0: integer division by zero does not trap on every CPU (arm64 returns 0).
    [InlineData("#include <signal.h>\nint main(void){ raise(SIGFPE); return 0; }", "SIGFPE")]
    [InlineData("#include <stdlib.h>\nint main(void){ abort(); }", "SIGABRT")]
    public async Task Self_signals_are_runtime_errors_naming_the_signal(string code, string signal)
    {
        var job = await graph.RunCheckedAsync(new { language = "c", code });

        AssertVerdict("runtime_error", job);
        Assert.Equal(signal, Run(job).GetProperty("signal").GetString());
        AssertMeasured(job.GetProperty("compile"));
        AssertMeasured(Run(job));
    }

    [Fact]
    public async Task Nul_and_invalid_utf8_come_back_byte_for_byte()
    {
        var binary = await graph.RunCheckedAsync(new { language = "python", code = "import sys\nsys.stdout.buffer.write(b'a\\x00b\\xff\\xfe')" });
        var nul = await graph.RunCheckedAsync(new { language = "python", code = "import sys\nsys.stdout.write('a\\0b')" });

        AssertVerdict("accepted", binary);
        Assert.Equal("base64", Run(binary).GetProperty("stdoutEncoding").GetString());
        Assert.Equal(new byte[] { 0x61, 0, 0x62, 0xff, 0xfe }, Convert.FromBase64String(Stdout(binary)));
        Assert.Equal("utf8", Run(nul).GetProperty("stdoutEncoding").GetString());
        Assert.Equal("a\0b", Stdout(nul));
    }

    [Fact]
    public async Task Including_dev_random_is_a_compile_error_within_the_compile_limits()
    {
        var job = await graph.RunCheckedAsync(new { language = "c", code = "#include \"/dev/random\"\nint main(void){return 0;}", compileLimits = new { cpuTimeMs = 3000, wallTimeMs = 6000, maxOutputBytes = 65536 } });

        AssertVerdict("compile_error", job);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("run").ValueKind);
        Assert.True(job.GetProperty("compile").GetProperty("wallTimeMs").GetInt64() < 9000, job.ToString());
    }

    [Fact]
    public async Task A_template_explosion_meets_a_compile_limit()
    {
        const string code = "template<int N, int M> struct B { static const int v = B<N-1, M*2>::v + B<N-1, M*2+1>::v; };\n" +
            "template<int M> struct B<0, M> { static const int v = 1; };\nint main(){ return B<24, 0>::v; }\n";
        var job = await graph.RunCheckedAsync(new { language = "cpp", code, compileLimits = new { cpuTimeMs = 3000, wallTimeMs = 6000, memoryMb = 256 } });

        AssertVerdict("compile_error", job);
        Assert.Contains(job.GetProperty("compile").GetProperty("limitExceeded").GetString(), new[] { "cpu", "wall", "memory" });
        Assert.Contains("Compilation exceeded", job.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_error_flood_is_cut_at_the_compile_output_cap()
    {
        var code = string.Concat(Enumerable.Repeat("#error " + new string('e', 100) + "\n", 2000));
        var job = await graph.RunCheckedAsync(new { language = "c", code, compileLimits = new { maxOutputBytes = 65536 } });

        AssertVerdict("compile_error", job);
        Assert.Equal(65536, job.GetProperty("compile").GetProperty("stderr").GetString()!.Length);
        Assert.Equal("output", job.GetProperty("compile").GetProperty("limitExceeded").GetString());
    }

    [Fact]
    public async Task Expected_output_gives_wrong_answer_or_accepted()
    {
        var right = await graph.RunCheckedAsync(new { language = "python", code = "print('1  ')\nprint(2)\nprint()", expectedOutput = "1\n2" });
        var wrong = await graph.RunCheckedAsync(new { language = "python", code = "print(3)", expectedOutput = "1\n2" });

        AssertVerdict("accepted", right);
        AssertVerdict("wrong_answer", wrong);
    }

    [Fact]
    public async Task Limits_are_published_and_enforced_at_submission()
    {
        var limits = await graph.GetJsonAsync("/api/v1/limits");
        using var tooMuch = await graph.Http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "x", limits = new { memoryMb = 1_000_000 } }, TestContext.Current.CancellationToken);
        var problem = await tooMuch.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(CpuMs, limits.GetProperty("defaults").GetProperty("cpuTimeMs").GetInt32());
        Assert.Equal(1024, limits.GetProperty("maxima").GetProperty("memoryMb").GetInt32());
        Assert.True(limits.GetProperty("compileDefaults").GetProperty("memoryMb").GetInt32() > 0);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooMuch.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("limits.memoryMb", out _), problem.ToString());
    }
}
