using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Pool;

[Collection(PoolCollection.Name)]
public class WarmPoolTests(PoolGraphFixture graph)
{
    // Prints the id of the container it runs in (its cgroup, cgroup v1) and whether a marker an
    // earlier job would have left in /tmp is there, then leaves one itself.
    private const string Probe = """
        import os
        seen = os.path.exists('/tmp/marker')
        open('/tmp/marker', 'w').write('left by an earlier job')
        pids = [line for line in open('/proc/self/cgroup') if ':pids:' in line][0]
        print(pids.strip().rsplit('/', 1)[1], seen)
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Container, bool SawMarker)> RunProbeAsync(string language)
    {
        var job = await graph.RunAsync(new { language, code = Probe });
        GoxecGraphFixture.AssertVerdict("accepted", job);
        var fields = job.GetProperty("run").GetProperty("stdout").GetString()!.Trim().Split(' ');
        return (fields[0], bool.Parse(fields[1]));
    }

    [Fact]
    public async Task A_job_takes_an_idle_warm_container_that_is_never_reused_and_is_replaced()
    {
        var idle = await graph.WaitForIdleAsync("python", 2); // one per worker
        var hitsBefore = await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "python"), ("result", "hit"));

        var first = await RunProbeAsync("python");
        var second = await RunProbeAsync("python");

        Assert.Contains(first.Container, idle);
        Assert.False(first.SawMarker);
        Assert.NotEqual(first.Container, second.Container);
        Assert.False(second.SawMarker, "the second job saw the first job's file: a container was reused");
        Assert.True(await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "python"), ("result", "hit")) >= hitsBefore + 1);
        // Replacements: idle containers again, none of them one that ran a job.
        var after = await graph.WaitForIdleAsync("python", 2, id => id != first.Container && id != second.Container && !idle.Contains(id));
        Assert.DoesNotContain(first.Container, after);
        await AssertGoneAsync(first.Container, second.Container);
    }

    [Fact]
    public async Task A_stale_image_sends_the_job_to_a_fresh_container()
    {
        var idle = await graph.WaitForIdleAsync(graph.Own, 2);
        var staleBefore = await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", graph.Own), ("reason", "stale_image"));
        // A rebuilt image under the same name: the idle containers now hold an outdated one.
        await PoolGraphFixture.BuildAsync(graph.OwnImage, $"FROM goxec/runtime-python:latest\nLABEL goxec.test.stale={Guid.NewGuid():N}\n");

        var job = await RunProbeAsync(graph.Own);

        Assert.DoesNotContain(job.Container, idle);
        Assert.Equal(staleBefore + 1, await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", graph.Own), ("reason", "stale_image")));
    }

    [Fact]
    public async Task A_cold_language_runs_on_a_fresh_container_and_warms_up_after()
    {
        Assert.Empty(await graph.IdleAsync("bash"));
        var missesBefore = await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "bash"), ("result", "miss"));

        var job = await graph.RunAsync(new { language = "bash", code = "grep :pids: /proc/self/cgroup" });

        GoxecGraphFixture.AssertVerdict("accepted", job);
        Assert.Equal(missesBefore + 1, await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "bash"), ("result", "miss")));
        var container = job.GetProperty("run").GetProperty("stdout").GetString()!.Trim().Split('/')[^1];
        // Demand warms it: the worker that ran it now keeps one idle.
        var warmed = await graph.WaitForIdleAsync("bash", 1);
        Assert.DoesNotContain(container, warmed);
    }

    [Fact]
    public async Task A_job_whose_warm_container_was_broken_still_succeeds_on_a_fresh_one()
    {
        var idle = await graph.WaitForIdleAsync("python", 2);
        // Still running, so the pool keeps them, but the upload waiting inside is gone: every process of the
        // sandbox user killed, as the job's code could. Not as root (the container's user): that would kill the idle
        // process too, the container would stop and the pool's next check would replace it before the job came.
        var sandboxUser = new Goxec.Worker.Sandbox.SandboxOptions().User;
        foreach (var id in idle) await PoolGraphFixture.CliAsync("docker", "exec", "-u", sandboxUser, id, "sh", "-c", "kill -9 -1");
        var fallbacksBefore = await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "python"), ("result", "fallback"));

        var job = await RunProbeAsync("python");

        Assert.DoesNotContain(job.Container, idle);
        Assert.Equal(fallbacksBefore + 1, await graph.WorkerCounterAsync("goxec_pool_takes_total", ("language", "python"), ("result", "fallback")));

        // The other broken container still waits in the pool, running: remove it, so that the tests after this one
        // (in whatever order they run) find only sound idle containers.
        foreach (var id in idle) await graph.Docker.RemoveContainerAsync(id, Ct).WaitAsync(PoolGraphFixture.Timeout, Ct);
        await graph.WaitForIdleAsync("python", 2, id => !idle.Contains(id));
    }

    [Fact]
    public async Task An_idle_container_that_dies_is_replaced_before_any_job_asks()
    {
        var victim = (await graph.WaitForIdleAsync("python", 2)).First();

        await graph.Docker.KillContainerAsync(victim, "SIGKILL", Ct).WaitAsync(PoolGraphFixture.Timeout, Ct);

        var after = await graph.WaitForIdleAsync("python", 2, id => id != victim);
        Assert.DoesNotContain(victim, after);
        await AssertGoneAsync(victim);
    }

    private async Task AssertGoneAsync(params string[] containers)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(PoolGraphFixture.Timeout);
        while ((await graph.Docker.ListContainersAsync([$"goxec.cluster={graph.Cluster}"], deadline.Token)).Any(c => containers.Contains(c.Id)))
            await Task.Delay(100, deadline.Token);
    }
}
