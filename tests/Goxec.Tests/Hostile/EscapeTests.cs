using System.Net.Sockets;
using Goxec.Tests.Infrastructure;
using static Goxec.Tests.Hostile.HostileGraphFixture;
using static Goxec.Tests.Pipeline.GoxecGraphFixture;

namespace Goxec.Tests.Hostile;

/// <summary>
/// Programs that try to reach out: the network, the host's secrets, files outside the work dir,
/// privileges. Network probes only ever target loopback, this machine's docker0 gateway, or the
/// never-routed documentation address 192.0.2.1 — and the container has no network at all.
/// </summary>
[Collection(HostileCollection.Name)]
public class EscapeTests(HostileGraphFixture graph)
{
    private static object Py(string code) => new { language = "python", code };

    [Fact]
    public async Task No_network_reaches_anything()
    {
        var gateway = DockerGateway();
        // Control: from the host, Redis answers — so a refusal from inside means something.
        using (var control = new TcpClient()) await control.ConnectAsync("127.0.0.1", graph.RedisPort, TestContext.Current.CancellationToken);

        var job = await graph.RunCheckedAsync(Py($$"""
            import os, socket
            def tcp(host, port):
                try:
                    socket.create_connection((host, port), timeout=2); return 'open'
                except OSError as e: return 'blocked'
            def dns(server):
                try:
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
                    s.sendto(b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01', (server, 53))
                    s.recvfrom(512); return 'answered'
                except OSError: return 'blocked'
            print('interfaces', sorted(name for _, name in socket.if_nameindex()))
            print('dns', dns('192.0.2.1'), dns('127.0.0.1'))
            print('outside', tcp('192.0.2.1', 80))
            print('redis', tcp('127.0.0.1', {{graph.RedisPort}}), tcp('{{gateway}}', {{graph.RedisPort}}))
            print('docker.sock', os.path.exists('/var/run/docker.sock'), os.path.exists('/run/docker.sock'))
            """));

        AssertVerdict("accepted", job);
        Assert.Equal($"interfaces ['lo']\ndns blocked blocked\noutside blocked\nredis blocked blocked\ndocker.sock False False\n", Stdout(job));
    }

    [Fact]
    public async Task Secrets_are_neither_readable_nor_in_the_environment()
    {
        var job = await graph.RunCheckedAsync(Py("""
            import os
            for path in ['/etc/shadow', '/proc/1/environ']:
                try: text = open(path).read(); print(path, 'READ', sorted(v.split('=')[0] for v in text.split('\0') if v))
                except PermissionError: print(path, 'denied')
            print(sorted(os.environ))
            """));

        AssertVerdict("accepted", job);
        var lines = Stdout(job).Split('\n');
        const string Environment = "['HOME', 'HOSTNAME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'TMPDIR']";
        Assert.Equal("/etc/shadow denied", lines[0]);
        // The sandbox's init: docker-init runs as root (unreadable); bubblewrap's as the job's uid, started with no
        // environment at all; gVisor's procfs lets a user read the init's environ (Linux does not): the container's variables, none secret.
        Assert.Equal(TestDriver.Namespaces ? "/proc/1/environ READ []" : graph.Runtime is null ? "/proc/1/environ denied" : $"/proc/1/environ READ {Environment}", lines[1]);
        Assert.Equal(Environment, lines[2]);
    }

    [Fact]
    public async Task Nothing_outside_the_work_dir_is_writable()
    {
        var job = await graph.RunCheckedAsync(Py("""
            for path in ['/etc/passwd', '/usr/bin/python3', '/x', '/proc/sys/kernel/hostname', '/sys/fs/cgroup/pids.max', '/box/ok']:
                try: open(path, 'a').write('x'); print(path, 'written')
                except OSError as e: print(path, 'denied')
            """));

        AssertVerdict("accepted", job);
        Assert.Equal("/etc/passwd denied\n/usr/bin/python3 denied\n/x denied\n/proc/sys/kernel/hostname denied\n/sys/fs/cgroup/pids.max denied\n/box/ok written\n", Stdout(job));
    }

    [Fact]
    public async Task Symlinks_named_like_engine_files_are_never_followed_by_the_host()
    {
        // The host reads nothing from the container's filesystem: output comes from the exec's streams only.
        var job = await graph.RunCheckedAsync(new
        {
            language = "c",
            code = "#include <unistd.h>\n#include <stdio.h>\nint main(void){ const char* n[]={\"stdout\",\"stderr\",\"output.txt\",\"result.json\",\"main.c\"}; for(int i=0;i<5;i++){unlink(n[i]); symlink(i%2?\"/var/run/docker.sock\":\"/etc/shadow\", n[i]);} puts(\"linked\"); return 0; }",
        });

        AssertVerdict("accepted", job);
        Assert.Equal("linked\n", Stdout(job));
        Assert.Equal("", Run(job).GetProperty("stderr").GetString());
    }

    [Fact]
    public async Task Kill_minus_one_kills_only_the_programs_own_processes()
    {
        var survivor = await graph.RunCheckedAsync(Py("import os, signal, subprocess\np = subprocess.Popen(['sleep', '30'])\nos.kill(-1, signal.SIGKILL)\nprint('child', p.wait())"));
        var parentKiller = await graph.RunCheckedAsync(Py("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('alive')"));

        AssertVerdict("accepted", survivor);
        Assert.Equal("child -9\n", Stdout(survivor));
        if (TestDriver.Namespaces)
        {
            // Its parent is the sandbox's init (pid 1 of its namespace), which the kernel shields from SIGKILL sent inside.
            AssertVerdict("accepted", parentKiller);
            Assert.Equal("alive\n", Stdout(parentKiller));
        }
        else
        {
            // Its parent is outside the container (pid 0 here), so it signals its own process group.
            AssertVerdict("runtime_error", parentKiller);
            Assert.Equal("SIGKILL", Run(parentKiller).GetProperty("signal").GetString());
        }
    }

    [Fact]
    public async Task Setuid_mount_and_unshare_are_refused()
    {
        var job = await graph.RunCheckedAsync(Py("""
            import os, subprocess
            def attempt(f):
                try: f(); return 'ALLOWED'
                except OSError: return 'denied'
            def run(*argv): return 'denied' if subprocess.run(argv, capture_output=True).returncode else 'ALLOWED'
            print('setuid', attempt(lambda: os.setuid(0)))
            print('mount', run('mount', '-t', 'tmpfs', 'none', '/box'))
            print('unshare', run('unshare', '-r', 'true'), run('unshare', '-U', 'true'), run('unshare', '-m', 'true'))
            status = dict(l.split(':\t') for l in open('/proc/self/status').read().splitlines() if ':\t' in l)
            print('uid', os.getuid(), status['CapEff'], status.get('NoNewPrivs', 'absent'))
            """));

        AssertVerdict("accepted", job);
        // gVisor does not apply Docker's seccomp profile to the program, so unshare(CLONE_NEWUSER) succeeds — inside its
        // own kernel, where a user namespace is the Sentry's object and no host kernel code runs; mounting still fails.
        Assert.Equal(graph.Runtime is null
            ? "setuid denied\nmount denied\nunshare denied denied denied\nuid 1000 0000000000000000 1\n"
            : "setuid denied\nmount denied\nunshare ALLOWED ALLOWED denied\nuid 1000 0000000000000000 absent\n", Stdout(job));
    }

    /// <summary>This machine's address on the docker0 bridge — where a container with a network would find the host.</summary>
    private static string DockerGateway()
    {
        var bridge = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == "docker0");
        var address = bridge?.GetIPProperties().UnicastAddresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork)?.Address;
        Assert.NotNull(address);
        return address.ToString();
    }
}
