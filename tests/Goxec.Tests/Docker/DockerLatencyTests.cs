using System.Diagnostics;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>
/// Measures one job's container lifecycle (create, start, exec with stdin, remove) to compare with
/// the floors in ARCHITECTURE.md. Reports rather than asserts tight bounds: the machine is shared.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerLatencyTests(BusyboxImage image) : IDisposable
{
    private readonly DockerClient _docker = new(DockerClientOptions.FromEnvironment());

    [Fact]
    public async Task Create_start_exec_remove_latency()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        await image.EnsureAsync(_docker, ct);
        await _docker.GetVersionAsync(ct);

        var samples = new List<double>();
        var stillRunningAfterEof = 0;
        var phases = new Dictionary<string, List<double>> { ["create"] = [], ["start"] = [], ["exec"] = [], ["remove"] = [] };
        void Lap(string phase, Stopwatch lap, int run)
        {
            if (run > 0) phases[phase].Add(lap.Elapsed.TotalMilliseconds);
            lap.Restart();
        }
        for (var i = 0; i < 6; i++)
        {
            var clock = Stopwatch.StartNew();
            var lap = Stopwatch.StartNew();
            var id = await _docker.CreateContainerAsync(new ContainerCreateRequest
            {
                Image = BusyboxImage.Reference,
                Cmd = ["sleep", "3600"],
                User = "1000:1000",
                NetworkDisabled = true,
                Labels = new Dictionary<string, string> { ["goxec.test"] = "1" },
                HostConfig = new HostConfig { NetworkMode = "none", ReadonlyRootfs = true, Init = true, CapDrop = ["ALL"] },
            }, cancellationToken: ct);
            Lap("create", lap, i);
            try
            {
                await _docker.StartContainerAsync(id, ct);
                Lap("start", lap, i);
                var exec = await _docker.CreateExecAsync(id, new ExecCreateRequest { Cmd = ["cat"], AttachStdin = true }, ct);
                await using (var session = await _docker.StartExecAsync(exec, ct))
                {
                    await session.WriteStdinAsync("1\n"u8.ToArray(), ct);
                    await session.CloseStdinAsync(ct);
                    while (await session.ReadFrameAsync(ct) is not null) { }
                }
                var state = await _docker.InspectExecAsync(exec, ct);
                if (state.Running) stillRunningAfterEof++;
                Lap("exec", lap, i);
            }
            finally
            {
                await _docker.RemoveContainerAsync(id, ct);
                Lap("remove", lap, i);
            }
            if (i > 0) samples.Add(clock.Elapsed.TotalMilliseconds); // the first run warms connections and JIT
        }

        samples.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"create+start+exec+remove: median {samples[samples.Count / 2]:F0} ms, min {samples[0]:F0} ms, max {samples[^1]:F0} ms " +
            $"(n={samples.Count}); medians: {string.Join(", ", phases.Select(p => $"{p.Key} {Median(p.Value):F0} ms"))}; " +
            $"exec still running after EOF: {stillRunningAfterEof}/6");
        Assert.True(samples[0] < 10_000, "one container lifecycle took over 10 s");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    public void Dispose() => _docker.Dispose();
}
