using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Goxec.Api.Webhooks;
using Goxec.Tests.Gateway;

namespace Goxec.Tests.Compat;

/// <summary>
/// The Judge0 submission features beyond the basics: <c>fields</c>, <c>redirect_stderr_to_stdout</c>,
/// <c>compiler_options</c>, <c>additional_files</c> and <c>callback_url</c>, with what config_info says of them.
/// </summary>
[Collection(CompatCollection.Name)]
public class Judge0FeatureTests(CompatGraphFixture graph)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unknown_fields_are_a_400_naming_them_everywhere_fields_is_taken()
    {
        var (_, created) = await graph.PostAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71 });
        var token = created.GetProperty("token").GetString();

        foreach (var path in new[]
        {
            $"/judge0/submissions/{token}?fields=stdout,bogus,status_idx",
            $"/judge0/submissions/batch?tokens={token}&fields=stdout,bogus,status_idx",
        })
        {
            var (status, body) = await graph.GetAsync(path);
            Assert.Equal(400, status);
            Assert.Equal("invalid fields: [bogus, status_idx]", body.GetProperty("error").GetString());
        }
        var (postStatus, postBody) = await graph.PostAsync("/judge0/submissions?fields=token,nope", new { source_code = "print(1)", language_id = 71 });
        Assert.Equal(400, postStatus);
        Assert.Equal("invalid fields: [nope]", postBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Fields_star_shows_the_submissions_settings_too()
    {
        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true&fields=*", new
        {
            source_code = "print(1)", language_id = 71, command_line_arguments = "x y", cpu_time_limit = 2, memory_limit = 65536, redirect_stderr_to_stdout = true,
        });

        Assert.Equal(2.0, s.GetProperty("cpu_time_limit").GetDouble());
        Assert.Equal(65536, s.GetProperty("memory_limit").GetInt32());
        Assert.Equal("x y", s.GetProperty("command_line_arguments").GetString());
        Assert.True(s.GetProperty("redirect_stderr_to_stdout").GetBoolean());
        Assert.False(s.GetProperty("enable_network").GetBoolean());
        Assert.Equal(1, s.GetProperty("number_of_runs").GetInt32());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("compiler_options").ValueKind);
    }

    [Fact]
    public async Task Redirect_stderr_to_stdout_merges_the_streams_in_the_order_written()
    {
        const string code = "import sys\nfor i in range(3):\n    print('out', i, flush=True)\n    print('err', i, file=sys.stderr, flush=True)\n";

        var (_, merged) = await graph.PostAsync("/judge0/submissions?wait=true", new { source_code = code, language_id = 71, redirect_stderr_to_stdout = true });
        var (_, apart) = await graph.PostAsync("/judge0/submissions?wait=true", new { source_code = code, language_id = 71 });

        Assert.Equal("out 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\n", merged.GetProperty("stdout").GetString());
        Assert.Equal(JsonValueKind.Null, merged.GetProperty("stderr").ValueKind);
        Assert.Equal("out 0\nout 1\nout 2\n", apart.GetProperty("stdout").GetString());
        Assert.Equal("err 0\nerr 1\nerr 2\n", apart.GetProperty("stderr").GetString());
    }

    [Fact]
    public async Task Compiler_options_reach_the_compiler_as_words_never_through_a_shell()
    {
        // Through a shell, "a|b" would pipe the compiler into a command "b" and the build would fail.
        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true&fields=stdout,status,compile_output,compiler_options", new
        {
            source_code = "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", GOXEC); return 0; }\n", language_id = 50,
            compiler_options = "-DGOXEC=40+2   -DUNUSED=a|b -Wall",
        });

        Assert.True(s.GetProperty("status").GetProperty("id").GetInt32() == 3, s.ToString());
        Assert.Equal("42\n", s.GetProperty("stdout").GetString());
        Assert.Equal("-DGOXEC=40+2 -DUNUSED=a|b -Wall", s.GetProperty("compiler_options").GetString());
    }

    [Theory]
    [InlineData(71, "-O2", "setting compiler options is only allowed for compiled languages; Python is interpreted")]
    [InlineData(50, "-DX=\"y\"", "may not contain quotes or backslashes: options are passed as separate words, never through a shell")]
    [InlineData(50, "-O2\n-g", "may not contain control characters")]
    public async Task Bad_compiler_options_are_a_422_naming_the_problem(int language, string options, string message)
    {
        var (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "int main(void){return 0;}", language_id = language, compiler_options = options });

        Assert.Equal(422, status);
        Assert.Equal(message, body.GetProperty("compiler_options")[0].GetString());
    }

    [Fact]
    public async Task Overlong_compiler_options_are_refused()
    {
        var (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "int main(void){return 0;}", language_id = 50, compiler_options = new string('x', 513) });

        Assert.Equal(422, status);
        Assert.Equal("is too long (maximum is 512 characters)", body.GetProperty("compiler_options")[0].GetString());
    }

    [Fact]
    public async Task Additional_files_sit_next_to_the_program()
    {
        var zip = Zip(("helper.py", "def answer():\n    return 41\n"), ("data.txt", "from the zip"));

        var (_, s) = await graph.PostAsync("/judge0/submissions?wait=true", new
        {
            source_code = "import helper\nprint(helper.answer() + 1, open('data.txt').read())", language_id = 71, additional_files = zip,
        });

        Assert.True(s.GetProperty("status").GetProperty("id").GetInt32() == 3, s.ToString());
        Assert.Equal("42 from the zip\n", s.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Hostile_or_broken_zips_are_a_422_naming_the_problem()
    {
        var cases = new (string Zip, string Message)[]
        {
            ("not base64!", "is not valid base64"),
            (Convert.ToBase64String("PK but not a zip"u8.ToArray()), "is not a valid zip archive"),
            (Zip(("../escape.txt", "x")), "entry '../escape.txt': only flat files are supported (no directories or paths)"),
            (Zip(("/etc/passwd", "x")), "entry '/etc/passwd': only flat files are supported (no directories or paths)"),
            (Zip(("dir/a.txt", "x")), "entry 'dir/a.txt': only flat files are supported (no directories or paths)"),
            (Zip(("a.txt", "x"), ("a.txt", "y")), "entry 'a.txt' appears twice"),
            (Zip(("main.py", "x")), "entry 'main.py' has the name of the source file"),
            (ZipOf([("link", "/etc/passwd", true)]), "entry 'link' is a symbolic link"),
            (Zip(("big.txt", new string('a', 300 * 1024))), "unpacks to more than 262144 bytes"),
            (ZipOf([.. Enumerable.Range(0, 17).Select(i => ($"f{i}.txt", "x", false))]), "has more than 16 entries"),
        };
        foreach (var (zip, message) in cases)
        {
            var (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71, additional_files = zip });
            Assert.True(status == 422, $"{message}: {status} {body}");
            Assert.Equal(message, body.GetProperty("additional_files")[0].GetString());
        }
    }

    [Fact]
    public async Task A_callback_url_gets_the_finished_submission_PUT_in_Judge0s_shape()
    {
        using var receiver = new GatewayWebhookTests.WebhookReceiver(failFirst: 0);
        var (status, created) = await graph.PostAsync("/judge0/submissions", new
        {
            source_code = "print(input() * 2)", language_id = 71, stdin = "ab", callback_url = receiver.Url + "judge0",
        });
        Assert.True(status == 201, created.ToString());

        var delivery = await receiver.Succeeded.Task.WaitAsync(CompatGraphFixture.Timeout, Ct);

        Assert.Equal("PUT", delivery.Method);
        var s = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal(created.GetProperty("token").GetString(), s.GetProperty("token").GetString());
        Assert.Equal("abab\n", s.GetProperty("stdout").GetString());
        Assert.Equal(3, s.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal(["token", "stdout", "stderr", "compile_output", "message", "time", "memory", "status"], s.EnumerateObject().Select(p => p.Name));
        Assert.True(WebhookSignature.Verify(CompatGraphFixture.WebhookSecret, delivery.Headers[WebhookSignature.Header]!, delivery.Body,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_base64_submissions_callback_is_base64_and_a_bad_callback_url_is_a_422()
    {
        using var receiver = new GatewayWebhookTests.WebhookReceiver(failFirst: 0);
        var (status, _) = await graph.PostAsync("/judge0/submissions?base64_encoded=true", new
        {
            source_code = Convert.ToBase64String("print('hi')"u8.ToArray()), language_id = 71, callback_url = receiver.Url,
        });
        Assert.Equal(201, status);
        var s = JsonDocument.Parse((await receiver.Succeeded.Task.WaitAsync(CompatGraphFixture.Timeout, Ct)).Body).RootElement;
        Assert.Equal("hi\n", Encoding.UTF8.GetString(Convert.FromBase64String(s.GetProperty("stdout").GetString()!)));

        var (badStatus, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "print(1)", language_id = 71, callback_url = "ftp://example.com/x" });
        Assert.Equal(422, badStatus);
        Assert.Equal("The callback URL must be an absolute http or https URL.", body.GetProperty("callback_url")[0].GetString());
    }

    [Fact]
    public async Task Config_info_tells_what_is_enabled_and_89_stays_unsupported()
    {
        var (_, config) = await graph.GetAsync("/judge0/config_info");

        Assert.True(config.GetProperty("enable_compiler_options").GetBoolean());
        Assert.True(config.GetProperty("enable_additional_files").GetBoolean());
        Assert.True(config.GetProperty("enable_callbacks").GetBoolean());
        Assert.Equal(256, config.GetProperty("max_extract_size").GetInt32());
        var allowed = config.GetProperty("allowed_languages_for_compile_options").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("C (GCC 9.2.0)", allowed);
        Assert.DoesNotContain("Python (3.8.1)", allowed);

        var (status, body) = await graph.PostAsync("/judge0/submissions", new { source_code = "x", language_id = 89 });
        Assert.Equal(422, status);
        Assert.Equal("language with id 89 doesn't exist", body.GetProperty("language_id")[0].GetString());
    }

    private static string Zip(params (string Name, string Content)[] entries) => ZipOf([.. entries.Select(e => (e.Name, e.Content, false))]);

    private static string ZipOf((string Name, string Content, bool Symlink)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, symlink) in entries)
            {
                var entry = zip.CreateEntry(name);
                if (symlink) entry.ExternalAttributes = unchecked((int)0xA1FF0000); // S_IFLNK | 0777
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return Convert.ToBase64String(buffer.ToArray());
    }
}
