using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Goxec.Tests.Pipeline;

[Collection(GraphCollection.Name)]
public class JobPipelineTests(GoxecGraphFixture graph)
{
    private static readonly TimeSpan Timeout = GoxecGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Python_reads_stdin_and_answers_on_stdout()
    {
        var job = await graph.RunAsync(new { language = "python", code = "print(input()[::-1])", stdin = "olleh" });

        GoxecGraphFixture.AssertVerdict("accepted", job);
        Assert.Equal("hello\n", job.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal(0, job.GetProperty("run").GetProperty("exitCode").GetInt32());
        Assert.Equal("python", job.GetProperty("language").GetString());
        Assert.Equal("print(input()[::-1])", job.GetProperty("code").GetString()); // what ran comes back, for shared links
        Assert.Equal("olleh", job.GetProperty("stdin").GetString());
        Assert.True(job.GetProperty("finishedAt").GetDateTimeOffset() >= job.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task C_compiles_then_runs()
    {
        var job = await graph.RunAsync(new
        {
            language = "c",
            code = "#include <stdio.h>\nint main(void){char s[64]; if(!fgets(s,64,stdin)) return 1; printf(\"hello %s\", s); return 0;}\n",
            stdin = "c\n",
        });

        GoxecGraphFixture.AssertVerdict("accepted", job);
        Assert.Equal("hello c\n", job.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal(0, job.GetProperty("compile").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Javascript_and_cpp_run()
    {
        var js = await graph.RunAsync(new { language = "javascript", code = "require('fs').readFileSync(0,'utf8').split(' ').forEach(w => console.log(w.toUpperCase()))", stdin = "a b" });
        var cpp = await graph.RunAsync(new { language = "cpp", code = "#include <iostream>\nint main(){int a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl;}", stdin = "40 2" });

        GoxecGraphFixture.AssertVerdict("accepted", js);
        GoxecGraphFixture.AssertVerdict("accepted", cpp);
        Assert.Equal("A\nB\n", js.GetProperty("run").GetProperty("stdout").GetString());
        Assert.Equal("42\n", cpp.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Compile_errors_skip_the_run()
    {
        var job = await graph.RunAsync(new { language = "c", code = "int main(void) { return nope; }" });

        GoxecGraphFixture.AssertVerdict("compile_error", job);
        Assert.Contains("nope", job.GetProperty("compile").GetProperty("stderr").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("run").ValueKind);
    }

    [Fact]
    public async Task Failing_programs_get_runtime_error_with_exit_code_and_signal()
    {
        var exit = await graph.RunAsync(new { language = "python", code = "import sys\nprint('bye', file=sys.stderr)\nsys.exit(3)" });
        var segv = await graph.RunAsync(new { language = "c", code = "#include <signal.h>\nint main(void){ raise(SIGSEGV); return 0; }" });

        GoxecGraphFixture.AssertVerdict("runtime_error", exit);
        Assert.Equal(3, exit.GetProperty("run").GetProperty("exitCode").GetInt32());
        Assert.Equal("bye\n", exit.GetProperty("run").GetProperty("stderr").GetString());
        GoxecGraphFixture.AssertVerdict("runtime_error", segv);
        Assert.Equal("SIGSEGV", segv.GetProperty("run").GetProperty("signal").GetString());
    }

    [Fact]
    public async Task Endless_loops_hit_the_wall_time()
    {
        var job = await graph.RunAsync(new { language = "python", code = "while True: pass" });

        GoxecGraphFixture.AssertVerdict("time_limit_exceeded", job);
        Assert.True(job.GetProperty("run").GetProperty("timedOut").GetBoolean());
    }

    [Fact]
    public async Task Without_wait_the_job_is_accepted_and_can_be_read_back()
    {
        using var response = await graph.Http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(6*7)" }, Ct).WaitAsync(Timeout, Ct);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        var id = accepted.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/jobs/{id}", response.Headers.Location!.OriginalString);

        JsonElement job = default;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Timeout);
        while (job.ValueKind == JsonValueKind.Undefined || job.GetProperty("status").GetString() != "completed")
        {
            await Task.Delay(100, deadline.Token);
            job = await graph.Http.GetFromJsonAsync<JsonElement>(response.Headers.Location, deadline.Token);
        }
        Assert.Equal("42\n", job.GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Jobs_spread_over_both_workers()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            graph.RunAsync(new { language = "python", code = $"import time; time.sleep(0.5); print({i})" })));

        Assert.All(jobs, j => GoxecGraphFixture.AssertVerdict("accepted", j));
        Assert.Equal(2, jobs.Select(j => j.GetProperty("worker").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Unknown_jobs_are_404_problems()
    {
        using var response = await graph.Http.GetAsync("/api/v1/jobs/0123456789abcdef", Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("""{"language":"klingon","code":"x"}""", "language")]
    [InlineData("""{"language":"python","code":""}""", "code")]
    [InlineData("""{"language":"python","code":"x","stdin":1}""", "body")]
    [InlineData("""{"language":"python",""", "body")]
    [InlineData("""[]""", "body")]
    [InlineData("""{"language":"python","files":[{"name":"../x.py","content":"x"}]}""", "files[0].name")]
    public async Task Bad_input_gets_a_400_problem_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await graph.Http.PostAsync("/api/v1/jobs", content, Ct).WaitAsync(Timeout, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct).WaitAsync(Timeout, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
