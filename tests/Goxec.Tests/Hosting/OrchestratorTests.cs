using System.Text.RegularExpressions;
using Goxec.Hosting;
using Goxec.Tests.Infrastructure;
using static Goxec.Tests.Hosting.HostingTestSupport;

namespace Goxec.Tests.Hosting;

/// <summary>The orchestrator against real processes (sh, python3), independent of Goxec's own services.</summary>
public sealed class OrchestratorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("goxec-hosting-");
    private readonly TestOutputWriter _output = new();

    public void Dispose() => _dir.Delete(recursive: true);

    private IDistributedApplicationBuilder CreateBuilder() => DistributedApplicationTestingBuilder.Create(_output);

    private IResourceBuilder<ExecutableResource> AddShell(IDistributedApplicationBuilder builder, string name, string script) =>
        builder.AddExecutable(name, "sh", _dir.FullName, "-c", script);

    [Fact]
    public async Task WaitForCompletion_starts_the_dependent_only_after_the_one_shot_exited_zero()
    {
        var builder = CreateBuilder();
        var setup = AddShell(builder, "setup", "sleep 1; echo ready > marker").AsOneShot();
        AddShell(builder, "app", "cat marker; exec sleep 1000").WaitForCompletion(setup);
        await using var app = builder.Build();

        await app.StartAsync(TimeoutToken());

        Assert.Equal(ResourceState.Completed, app.GetResource("setup").State);
        await app.GetResource("app").WaitUntilAsync(i => i.RecentLogs.Contains("ready"), TimeoutToken());
    }

    [Fact]
    public async Task WaitFor_holds_the_dependent_until_the_http_health_check_answers_200()
    {
        Prerequisite.RequireExecutable("python3", "apt-get install python3");
        var builder = CreateBuilder();
        var server = AddShell(builder, "server", "sleep 1; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1")
            .WithHttpEndpoint().WithHttpHealthCheck("/");
        AddShell(builder, "client", "python3 -c \"import os, urllib.request; print('status', urllib.request.urlopen(os.environ['SERVER']).status)\"")
            .WithEnvironment("SERVER", () => server.Resource.GetEndpoint().ToString())
            .WaitFor(server)
            .AsOneShot();
        await using var app = builder.Build();

        await app.StartAsync(TimeoutToken());

        Assert.Equal(ResourceState.Healthy, app.GetResource("server").State);
        Assert.Contains("status 200", app.GetResource("client").RecentLogs);
    }

    [Fact]
    public async Task Every_output_line_is_printed_prefixed_with_its_resource_name()
    {
        var builder = CreateBuilder();
        AddShell(builder, "echoer", "echo hello from stdout; echo hello from stderr >&2; exec sleep 1000");
        await using var app = builder.Build();

        await app.StartAsync(TimeoutToken());
        await app.GetResource("echoer").WaitUntilAsync(i => i.RecentLogs.Count >= 2, TimeoutToken());

        Assert.Matches(new Regex(@"^echoer\s*\| hello from stdout$", RegexOptions.Multiline), _output.ToString());
        Assert.Matches(new Regex(@"^echoer\s*\| hello from stderr$", RegexOptions.Multiline), _output.ToString());
    }

    [Fact]
    public async Task A_killed_process_is_restarted_and_the_restart_is_logged()
    {
        var builder = CreateBuilder();
        AddShell(builder, "crashy", "echo started; exec sleep 1000");
        await using var app = builder.Build();
        await app.StartAsync(TimeoutToken());
        var instance = app.GetResource("crashy");
        await instance.WaitUntilAsync(i => i.RecentLogs.Contains("started") && i.ProcessId is not null, TimeoutToken());
        var firstPid = instance.ProcessId!.Value;

        await instance.KillAsync(Signal.SIGKILL).WaitAsync(TestTimeout, TestContext.Current.CancellationToken);
        await instance.WaitUntilAsync(i => i.State == ResourceState.Healthy && i.RecentLogs.Count(l => l == "started") == 2, TimeoutToken());

        Assert.NotEqual(firstPid, instance.ProcessId);
        Assert.False(IsAlive(firstPid));
        Assert.Equal(1, instance.Restarts);
        Assert.Contains("[goxec] crashy exited with 137; restarting in 1s", instance.RecentLogs);
        Assert.Contains("crashy exited with 137; restarting in 1s", _output.ToString());
    }

    [Fact]
    public async Task A_process_killed_without_restart_stays_down()
    {
        var builder = CreateBuilder();
        AddShell(builder, "once", "exec sleep 1000");
        await using var app = builder.Build();
        await app.StartAsync(TimeoutToken());

        await app.GetResource("once").KillAsync(Signal.SIGTERM, restart: false).WaitAsync(TestTimeout, TestContext.Current.CancellationToken);
        await app.GetResource("once").WaitUntilAsync(i => i.State == ResourceState.Exited, TimeoutToken());

        Assert.Equal(143, app.GetResource("once").LastExitCode);
    }

    [Fact]
    public async Task WithReplicas_starts_distinct_processes_with_their_replica_number()
    {
        var builder = CreateBuilder();
        AddShell(builder, "rep", "echo \"replica=$GOXEC_REPLICA consumer=$Worker__ConsumerName service=$OTEL_SERVICE_NAME\"; exec sleep 1000")
            .WithReplicas(2);
        await using var app = builder.Build();

        await app.StartAsync(TimeoutToken());
        var replicas = app.GetReplicas("rep");
        foreach (var replica in replicas) await replica.WaitUntilAsync(i => i.RecentLogs.Count > 0, TimeoutToken());

        Assert.Equal(["rep-0", "rep-1"], replicas.Select(r => r.Name));
        Assert.NotEqual(replicas[0].ProcessId, replicas[1].ProcessId);
        Assert.Contains("replica=0 consumer=rep-0 service=rep", replicas[0].RecentLogs);
        Assert.Contains("replica=1 consumer=rep-1 service=rep", replicas[1].RecentLogs);
    }

    [Fact]
    public async Task StopAsync_leaves_no_process_of_the_tree_alive_even_one_that_ignores_SIGTERM()
    {
        var builder = CreateBuilder();
        AddShell(builder, "tree", "sleep 1000 & echo $! >> pids; sleep 1000 & echo $! >> pids; echo $$ >> pids; echo forked; wait");
        AddShell(builder, "stubborn", "trap '' TERM; echo trapped; while true; do sleep 1; done");
        await using var app = builder.Build();
        await app.StartAsync(TimeoutToken());
        var pidsFile = Path.Combine(_dir.FullName, "pids");
        await app.GetResource("tree").WaitUntilAsync(i => i.RecentLogs.Contains("forked"), TimeoutToken());
        await app.GetResource("stubborn").WaitUntilAsync(i => i.RecentLogs.Contains("trapped") && i.ProcessId is not null, TimeoutToken());
        int[] pids = [.. ReadPids(pidsFile), app.GetResource("stubborn").ProcessId!.Value];
        Assert.All(pids, pid => Assert.True(IsAlive(pid)));

        await app.StopAsync().WaitAsync(TestTimeout, TestContext.Current.CancellationToken);

        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"process {pid} is still alive"));
        Assert.Equal(ResourceState.Stopped, app.GetResource("stubborn").State);
    }

    [Fact]
    public async Task A_resource_that_never_becomes_healthy_fails_startup_with_its_name_and_last_log_lines()
    {
        var builder = CreateBuilder();
        AddShell(builder, "deaf", "echo listening soon, honestly; exec sleep 1000")
            .WithHttpEndpoint().WithHttpHealthCheck("/health")
            .WithStartupTimeout(TimeSpan.FromSeconds(2));
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TimeoutToken()));

        Assert.Contains("Resource 'deaf' did not become healthy within 2s (state Running, health /health: ", error.Message);
        Assert.Contains("deaf | listening soon, honestly", error.Message);
        Assert.Equal(ResourceState.Stopped, app.GetResource("deaf").State);
    }

    [Fact]
    public async Task A_failed_one_shot_fails_startup_and_its_dependents_never_start()
    {
        var builder = CreateBuilder();
        var build = AddShell(builder, "build", "echo compile error; exit 3").AsOneShot();
        AddShell(builder, "app", "exec sleep 1000").WaitForCompletion(build);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TimeoutToken()));

        Assert.Contains("Resource 'build' stopped before it could complete (state Failed, last exit code 3)", error.Message);
        Assert.Contains("build | compile error", error.Message);
        Assert.Null(app.GetResource("app").ProcessId);
    }
    [Fact]
    public async Task RunAsync_runs_until_cancelled_then_stops_everything()
    {
        var builder = CreateBuilder();
        AddShell(builder, "service", "echo serving; exec sleep 1000");
        var app = builder.Build();
        using var shutdown = new CancellationTokenSource();

        var run = app.RunAsync(shutdown.Token);
        await app.GetResource("service").WaitUntilAsync(i => i.RecentLogs.Contains("serving") && i.ProcessId is not null, TimeoutToken());
        // The child's output can arrive before the orchestrator publishes its pid, hence both conditions above.
        var pid = app.GetResource("service").ProcessId!.Value;
        await shutdown.CancelAsync();
        await run.WaitAsync(TestTimeout, TestContext.Current.CancellationToken);

        Assert.False(IsAlive(pid));
        Assert.Equal(ResourceState.Stopped, app.GetResource("service").State);
        Assert.Contains("stopped", _output.ToString());
    }
}
