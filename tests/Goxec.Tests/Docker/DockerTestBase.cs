using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

/// <summary>
/// Shared set-up for tests against the real daemon: a client, a 60 s budget per test, the hardened
/// container Goxec will run jobs in, and clean-up of every container carrying this instance's run label.
/// </summary>
public abstract class DockerTestBase(BusyboxImage image) : IAsyncLifetime
{
    protected BusyboxImage Image { get; } = image;

    protected DockerClient Client { get; } = new(DockerClientOptions.FromEnvironment());
    protected string RunId { get; } = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    protected CancellationToken Ct => _timeout.Token;

    public ValueTask InitializeAsync()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(60));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            foreach (var container in await Client.ListContainersAsync([$"goxec.test.run={RunId}"], cleanup.Token))
                await Client.RemoveContainerAsync(container.Id, cleanup.Token);
        }
        catch (DockerException)
        {
            // No daemon: the test was skipped and created nothing.
        }
        Client.Dispose();
        _timeout.Dispose();
    }

    protected ContainerCreateRequest Hardened(string imageReference) => new()
    {
        Image = imageReference,
        Cmd = ["sleep", "3600"],
        User = "1000:1000",
        WorkingDir = "/box",
        NetworkDisabled = true,
        Labels = new Dictionary<string, string> { ["goxec.test"] = "1", ["goxec.test.run"] = RunId },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = 64 * 1024 * 1024,
            MemorySwap = 64 * 1024 * 1024,
            NanoCpus = 1_000_000_000,
            PidsLimit = 64,
            CapDrop = ["ALL"],
            SecurityOpt = ["no-new-privileges"],
            ReadonlyRootfs = true,
            // exec: compiled programs run from here; uid/gid: the unprivileged user owns its work dir.
            Tmpfs = new Dictionary<string, string> { ["/box"] = "rw,exec,nosuid,nodev,size=16m,uid=1000,gid=1000,mode=0755" },
            Ulimits = [new Ulimit("nofile", 256, 256), new Ulimit("core", 0, 0)],
            IpcMode = "private",
            Init = true,
        },
    };

    protected async Task<string> StartHardenedAsync()
    {
        await Image.EnsureAsync(Client, Ct);
        var id = await Client.CreateContainerAsync(Hardened(BusyboxImage.Reference), cancellationToken: Ct);
        await Client.StartContainerAsync(id, Ct);
        return id;
    }

    protected async Task<(string Stdout, string Stderr, int? ExitCode)> ExecAsync(string id, IReadOnlyList<string> cmd, byte[]? stdin = null)
    {
        var exec = await Client.CreateExecAsync(id, new ExecCreateRequest { Cmd = cmd, AttachStdin = stdin is not null }, Ct);
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        await using (var session = await Client.StartExecAsync(exec, Ct))
        {
            if (stdin is not null)
            {
                await session.WriteStdinAsync(stdin, Ct);
                await session.CloseStdinAsync(Ct);
            }
            while (await session.ReadFrameAsync(Ct) is { } frame)
                (frame.Stream == OutputStream.Stderr ? stderr : stdout).Append(Encoding.UTF8.GetString(frame.Data.Span));
        }
        ExecState? state = null;
        await WaitUntilAsync(async () => !(state = await Client.InspectExecAsync(exec, Ct)).Running);
        return (stdout.ToString(), stderr.ToString(), state!.ExitCode);
    }

    protected async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition()) await Task.Delay(10, Ct);
    }
}
