using System.Text.Json;
using static Goxec.Tests.Hostile.HostileGraphFixture;
using static Goxec.Tests.Pipeline.GoxecGraphFixture;

namespace Goxec.Tests.Hostile;

/// <summary>Programs that try to exhaust CPU, memory, processes, output or disk. Each ends in its verdict and leaves nothing behind.</summary>
[Collection(HostileCollection.Name)]
public class ResourceBombTests(HostileGraphFixture graph)
{
    private static object Py(string code, object? limits = null, string stdin = "") => new { language = "python", code, stdin, limits };

    [Fact]
    public async Task Cpu_loop_is_stopped_at_its_cpu_time_measured_by_the_host()
    {
        var job = await graph.RunCheckedAsync(Py("while True: pass"));
        TestContext.Current.TestOutputHelper?.WriteLine($"cpu loop: {Run(job)}");

        AssertVerdict("time_limit_exceeded", job);
        Assert.Equal("cpu", Run(job).GetProperty("limitExceeded").GetString());
        var cpu = Run(job).GetProperty("cpuTimeMs").GetInt64();
        Assert.InRange(cpu, CpuMs, CpuMs + 1000);
        AssertMeasured(Run(job));
    }

    [Fact]
    public async Task Sleeping_past_the_wall_time_is_a_wall_time_limit()
    {
        var job = await graph.RunCheckedAsync(Py("import time\ntime.sleep(60)"));

        AssertVerdict("time_limit_exceeded", job);
        Assert.Equal("wall", Run(job).GetProperty("limitExceeded").GetString());
        Assert.InRange(Run(job).GetProperty("wallTimeMs").GetInt64(), WallMs, WallMs + 3000);
        Assert.True(Run(job).GetProperty("cpuTimeMs").GetInt64() < 1000);
    }

    [Fact]
    public async Task Fork_bomb_meets_the_pids_limit_and_then_the_time_limit()
    {
        var job = await graph.RunCheckedAsync(Py("import os\nwhile True:\n    try: os.fork()\n    except OSError: pass", new { maxProcesses = 32 }));

        AssertVerdict("time_limit_exceeded", job);
    }

    [Fact]
    public async Task Memory_bomb_is_oom_killed_and_its_peak_measured()
    {
        var job = await graph.RunCheckedAsync(Py("x = []\nwhile True: x.append(bytearray(4 << 20))", new { memoryMb = 64 }));

        TestContext.Current.TestOutputHelper?.WriteLine($"memory bomb: {Run(job)}");
        AssertVerdict("memory_limit_exceeded", job);
        Assert.Equal("memory", Run(job).GetProperty("limitExceeded").GetString());
        Assert.InRange(Run(job).GetProperty("memoryKb").GetInt64(), 56 * 1024, 64 * 1024 + graph.PeakOverLimitKb);
    }

    [Fact]
    public async Task A_child_that_outlives_its_parent_does_not_hold_the_job()
    {
        var job = await graph.RunCheckedAsync(Py("import os, time\nif os.fork() == 0:\n    time.sleep(60)\nelse:\n    print('parent done')"));

        AssertVerdict("accepted", job);
        Assert.Equal("parent done\n", Stdout(job));
        Assert.True(Run(job).GetProperty("wallTimeMs").GetInt64() < WallMs, job.ToString());
    }

    [Theory]
    [InlineData("import sys\nwhile True: sys.stdout.write('x' * 65536)", "stdout")]
    [InlineData("import sys\nwhile True: sys.stderr.write('y' * 65536)", "stderr")]
    [InlineData("import sys\nsys.stdout.write('z' * 100_000_000)", "stdout")]
    public async Task Floods_are_cut_at_the_cap(string code, string stream)
    {
        var job = await graph.RunCheckedAsync(Py(code, new { maxOutputBytes = 100_000 }));

        AssertVerdict("output_limit_exceeded", job);
        Assert.Equal(100_000, Run(job).GetProperty(stream).GetString()!.Length);
        Assert.Equal("output", Run(job).GetProperty("limitExceeded").GetString());
    }

    [Fact]
    public async Task A_huge_file_meets_the_file_size_limit()
    {
        var job = await graph.RunCheckedAsync(new
        {
            language = "c",
            code = "#include <stdio.h>\nint main(void){ static char b[1<<20]; FILE*f=fopen(\"big\",\"w\"); for(int i=0;i<100;i++) fwrite(b,1,sizeof b,f); fclose(f); puts(\"wrote\"); return 0; }",
            limits = new { maxFileSizeKb = 4096 },
        });

        AssertVerdict("runtime_error", job);
        Assert.Equal("SIGXFSZ", Run(job).GetProperty("signal").GetString());
    }

    [Fact]
    public async Task A_full_tmp_is_gone_for_the_next_job()
    {
        var filler = await graph.RunCheckedAsync(Py("""
            import os
            open('/box/marker', 'w').write('x')
            n = 0
            try:
                with open('/tmp/fill', 'wb') as f:
                    while True: f.write(b'x' * 65536); n += 1
            except OSError as e: print('full', e.errno)
            """));
        var next = await graph.RunCheckedAsync(Py("import os\nprint(sorted(os.listdir('/tmp')), sorted(os.listdir('/box')))"));

        AssertVerdict("accepted", filler);
        Assert.Matches("^full (27|28)\n$", Stdout(filler)); // EFBIG or ENOSPC: /tmp is a tmpfs as small as the file size limit
        Assert.Equal("[] ['main.py']\n", Stdout(next));
    }

    [Fact]
    public async Task Opening_many_files_stops_at_the_descriptor_limit()
    {
        var job = await graph.RunCheckedAsync(Py("""
            files = []
            try:
                while True: files.append(open('/box/main.py'))
            except OSError as e: print(len(files) < 300, e.errno)
            """));

        AssertVerdict("accepted", job);
        Assert.Equal("True 24\n", Stdout(job)); // EMFILE
    }

    [Fact]
    public async Task Orphaned_zombies_are_reaped_by_the_init()
    {
        // More orphans than the 64-process limit: only an init that reaps them lets this finish. A fork costs gVisor's
        // ptrace platform ~16 ms of CPU (measured: 400 forks, 6.4 s), so there it gets 100 and the largest limits.
        var (orphans, limits) = graph.Runtime is null ? (200, (object?)null) : (100, new { cpuTimeMs = 15_000, wallTimeMs = 30_000 });
        var job = await graph.RunCheckedAsync(Py($"""
            import os
            for i in range({orphans}):
                pid = os.fork()
                if pid == 0:
                    if os.fork() == 0: os._exit(0)
                    os._exit(0)
                os.waitpid(pid, 0)
            print('forked', i + 1)
            """, limits));

        AssertVerdict("accepted", job);
        Assert.Equal($"forked {orphans}\n", Stdout(job));
    }

    [Fact]
    public async Task A_blocking_stdin_read_sees_end_of_input_at_once()
    {
        var job = await graph.RunCheckedAsync(Py("import sys\nprint(repr(sys.stdin.read()))"));

        AssertVerdict("accepted", job);
        Assert.Equal("''\n", Stdout(job));
        Assert.True(Run(job).GetProperty("wallTimeMs").GetInt64() < 2000);
    }

    [Fact]
    public async Task Ten_bombs_at_once_leave_a_normal_job_its_usual_time()
    {
        string[] bombs = ["while True: pass", "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass", "x = []\nwhile True: x.append(bytearray(4 << 20))"];
        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => graph.SubmitAsync(Py(bombs[i % 3], new { memoryMb = 64 }))));
        var normal = await graph.RunAsync(Py("print(sum(range(1000)))"));

        AssertVerdict("accepted", normal);
        Assert.Equal("499500\n", Stdout(normal));
        Assert.True(Run(normal).GetProperty("wallTimeMs").GetInt64() < 2000, normal.ToString());
        var finished = await Task.WhenAll(ids.Select(id => graph.WaitForJobAsync(id, j => j.GetProperty("status").GetString() == "completed", TimeSpan.FromMinutes(2))));
        Assert.All(finished, j => Assert.Contains(j.GetProperty("verdict").GetString(), new[] { "time_limit_exceeded", "memory_limit_exceeded" }));
        await graph.AssertCleanAsync([.. ids, normal.GetProperty("id").GetString()!]);
    }
}
