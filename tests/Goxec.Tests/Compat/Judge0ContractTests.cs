using System.Text;
using System.Text.Json;

namespace Goxec.Tests.Compat;

/// <summary>
/// Judge0 CE's documented contract (ce.judge0.com docs): submission fields, statuses 1–14, seconds as strings,
/// memory in KB, base64 round trips, 422 with <c>{field: [messages]}</c>. Against the real graph.
/// </summary>
[Collection(CompatCollection.Name)]
public class Judge0ContractTests(CompatGraphFixture graph)
{
    private const string Sum = "a, b = map(int, input().split())\nprint(a + b)\n";

    [Fact]
    public async Task A_waited_submission_answers_with_the_default_fields()
    {
        var (status, s) = await graph.PostAsync("/judge0/submissions?wait=true", new { source_code = Sum, language_id = 71, stdin = "40 2\n" });

        Assert.True(status == 201, s.ToString());
        Assert.Equal(["token", "stdout", "stderr", "compile_output", "message", "time", "memory", "status"], s.EnumerateObject().Select(p => p.Name));
        Assert.True(Guid.TryParse(s.GetProperty("token").GetString(), out _));
        Assert.Equal("42\n", s.GetProperty("stdout").GetString());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("stderr").ValueKind);
        Assert.Equal(3, s.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal("Accepted", s.GetProperty("status").GetProperty("description").GetString());
        Assert.Matches(@"^\d+(\.\d+)?$", s.GetProperty("time").GetString());
        Assert.Equal(JsonValueKind.Number, s.GetProperty("memory").ValueKind);
    }

    [Fact]
    public async Task A_token_is_polled_until_the_submission_is_done_and_fields_star_shows_all()
    {
        var (status, created) = await graph.PostAsync("/judge0/submissions", new { source_code = Sum, language_id = 71, stdin = "1 2" });
        Assert.Equal(201, status);
        Assert.Equal(["token"], created.EnumerateObject().Select(p => p.Name));
        var token = created.GetProperty("token").GetString();

        var s = await PollAsync($"/judge0/submissions/{token}?fields=*");

        Assert.Equal(3, s.GetProperty("status_id").GetInt32());
        Assert.Equal(71, s.GetProperty("language_id").GetInt32());
        Assert.Equal(Sum, s.GetProperty("source_code").GetString());
        Assert.Equal("1 2", s.GetProperty("stdin").GetString());
        Assert.Equal("3\n", s.GetProperty("stdout").GetString());
        Assert.Equal(0, s.GetProperty("exit_code").GetInt32());
        Assert.Equal(JsonValueKind.String, s.GetProperty("wall_time").ValueKind);
        Assert.Equal("Python (3.8.1)", s.GetProperty("language").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, s.GetProperty("finished_at").ValueKind);
    }

    [Fact]
    public async Task Only_the_asked_fields_come_back()
    {
        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true&fields=stdout,status_id", new { source_code = "print(1)", language_id = 71 });

        Assert.Equal(["stdout", "status_id"], s.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(71, "print(input())", "1", "2", 4)]                          // Wrong Answer
    [InlineData(71, "import sys\nsys.exit(3)", null, null, 11)]               // NZEC
    [InlineData(71, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", null, null, 7)]
    [InlineData(71, "import os\nos.abort()", null, null, 10)]
    [InlineData(50, "int main(void) { return missing; }", null, null, 6)]    // Compilation Error
    [InlineData(71, "while True: pass", null, null, 5)]                        // Time Limit Exceeded
    public async Task Verdicts_have_Judge0s_status_ids(int language, string source, string? stdin, string? expected, int statusId)
    {
        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true&fields=*",
            new { source_code = source, language_id = language, stdin, expected_output = expected, cpu_time_limit = 1, wall_time_limit = 3 });

        Assert.True(s.GetProperty("status").GetProperty("id").GetInt32() == statusId, s.ToString());
        if (statusId == 6) Assert.Contains("missing", s.GetProperty("compile_output").GetString());
        if (statusId == 11) Assert.Equal(3, s.GetProperty("exit_code").GetInt32());
        if (statusId == 7) Assert.Equal(11, s.GetProperty("exit_signal").GetInt32());
    }

    [Fact]
    public async Task Base64_goes_both_ways_and_bytes_that_are_not_utf8_need_it()
    {
        var source = Convert.ToBase64String(Encoding.UTF8.GetBytes("import sys\nsys.stdout.buffer.write(b'\\xff' + sys.stdin.buffer.read())"));
        var (_, created) = await graph.PostAsync("/judge0/submissions?base64_encoded=true&wait=true&fields=token,stdout",
            new { source_code = source, language_id = 71, stdin = Convert.ToBase64String("hi"u8.ToArray()) });

        Assert.Equal([0xff, (byte)'h', (byte)'i'], Convert.FromBase64String(created.GetProperty("stdout").GetString()!));
        var (status, refused) = await graph.GetAsync($"/judge0/submissions/{created.GetProperty("token").GetString()}");
        Assert.Equal(400, status);
        Assert.Equal("some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true", refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task What_Judge0_refuses_is_a_422_naming_the_field()
    {
        var (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71, enable_network = true });
        Assert.Equal(422, status);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("enable_network").ValueKind);

        (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "x", language_id = 999 });
        Assert.Equal(422, status);
        Assert.Equal("language with id 999 doesn't exist", body.GetProperty("language_id")[0].GetString());

        (status, body) = await graph.PostAsync("/judge0/submissions", new { language_id = 71 });
        Assert.Equal(422, status);
        Assert.Equal("can't be blank", body.GetProperty("source_code")[0].GetString());

        (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71, cpu_time_limit = 1000 });
        Assert.Equal(422, status);
        Assert.True(body.TryGetProperty("cpu_time_limit", out _), body.ToString());
    }

    [Fact]
    public async Task Limits_and_arguments_reach_the_program()
    {
        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true",
            new { source_code = "import sys\nprint(' '.join(sys.argv[1:]))", language_id = 71, command_line_arguments = "a  b", cpu_time_limit = 2, cpu_extra_time = 0.5, wall_time_limit = 5, memory_limit = 128000, max_processes_and_or_threads = 30, max_file_size = 1024, stack_limit = 64000 });

        Assert.True(s.GetProperty("status").GetProperty("id").GetInt32() == 3, s.ToString());
        Assert.Equal("a b\n", s.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_batch_is_submitted_and_read_by_tokens()
    {
        var (status, created) = await graph.PostAsync("/judge0/submissions/batch", new
        {
            submissions = new object[]
            {
                new { source_code = "print(1)", language_id = 71 },
                new { source_code = "console.log(2)", language_id = 63 },
                new { source_code = "x", language_id = 999 },
            },
        });
        Assert.True(status == 201, created.ToString());
        Assert.Equal("language with id 999 doesn't exist", created[2].GetProperty("language_id")[0].GetString());
        var tokens = string.Join(',', created.EnumerateArray().Take(2).Select(t => t.GetProperty("token").GetString()));

        var batch = await PollAsync($"/judge0/submissions/batch?tokens={tokens}&fields=token,stdout,status_id",
            b => b.GetProperty("submissions").EnumerateArray().All(s => s.GetProperty("status_id").GetInt32() > 2));

        Assert.Equal(["1\n", "2\n"], batch.GetProperty("submissions").EnumerateArray().Select(s => s.GetProperty("stdout").GetString()));
    }

    [Fact]
    public async Task Languages_statuses_about_and_config_info_answer_in_Judge0s_shape()
    {
        var (_, languages) = await graph.GetAsync("/judge0/languages");
        var ids = languages.EnumerateArray().ToDictionary(l => l.GetProperty("id").GetInt32(), l => l.GetProperty("name").GetString());
        Assert.Equal("Python (3.8.1)", ids[71]);
        Assert.Equal("C (GCC 9.2.0)", ids[50]);
        Assert.Equal("JavaScript (Node.js 12.14.0)", ids[63]);
        Assert.Equal("Python (3.11.2)", ids[92]);
        // The ids Judge0's own IDE asks for, and Goxec's own for languages Judge0 does not have.
        Assert.Equal("Plain Text", ids[43]);
        Assert.Equal("PHP (8.3.11)", ids[98]);
        Assert.Equal("R (4.4.1)", ids[99]);
        Assert.Equal("TypeScript (5.6.2)", ids[101]);
        Assert.Equal("JavaScript (Node.js 22.08.0)", ids[102]);
        Assert.Contains(ids, l => l.Key > 1000 && l.Value == "Raku (Rakudo)");
        Assert.DoesNotContain(47, ids.Keys); // FreeBASIC: Goxec's BASIC is another dialect
        Assert.Equal(ids.Keys.Order(), ids.Keys);

        var (_, python) = await graph.GetAsync("/judge0/languages/71");
        Assert.Equal("main.py", python.GetProperty("source_file").GetString());
        Assert.False(python.GetProperty("is_archived").GetBoolean());
        var (status, typescript) = await graph.GetAsync("/judge0/languages/101");
        Assert.Equal(200, status);
        Assert.Equal("main.ts", typescript.GetProperty("source_file").GetString());
        Assert.Equal(404, (await graph.GetAsync("/judge0/languages/47")).Status);

        var (_, statuses) = await graph.GetAsync("/judge0/statuses");
        Assert.Equal(Enumerable.Range(1, 14), statuses.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal("Runtime Error (NZEC)", statuses[10].GetProperty("description").GetString());

        var (_, about) = await graph.GetAsync("/judge0/about");
        Assert.Equal(JsonValueKind.String, about.GetProperty("version").ValueKind);

        var (_, config) = await graph.GetAsync("/judge0/config_info");
        Assert.Equal(JsonValueKind.Number, config.GetProperty("cpu_time_limit").ValueKind);
        Assert.False(config.GetProperty("allow_enable_network").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_token_is_404()
    {
        Assert.Equal(404, (await graph.GetAsync($"/judge0/submissions/{Guid.NewGuid()}")).Status);
        Assert.Equal(404, (await graph.GetAsync("/judge0/submissions/not-a-token")).Status);
    }

    private Task<JsonElement> PollAsync(string path) => PollAsync(path, s => s.GetProperty("status_id").GetInt32() > 2);

    private async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (status, body) = await graph.GetAsync(path);
            Assert.True(status == 200, body.ToString());
            if (done(body)) return body;
            Assert.True(DateTime.UtcNow < deadline, $"Not done within 60 s: {body}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
