using Goxec.Languages;
using static Goxec.Tests.Hostile.HostileGraphFixture;
using static Goxec.Tests.Pipeline.GoxecGraphFixture;

namespace Goxec.Tests.Hostile;

/// <summary>
/// The hostile programs of <see cref="ResourceBombTests"/> and <see cref="EscapeTests"/> in three of the languages the
/// catalog gained (Zsh, LuaJIT through its FFI, Pike): each is contained the same way, and leaves nothing behind.
/// </summary>
[Collection(HostileCollection.Name)]
public class NewLanguageHostileTests(HostileGraphFixture graph)
{
    public static TheoryData<string, string> ForkBombs() => new()
    {
        { "zsh", "while true; do (sleep 60 &) 2>/dev/null; done" },
        { "luajit", "local ffi = require('ffi')\nffi.cdef('int fork(void);')\nwhile true do ffi.C.fork() end" },
        { "pike", "int main() {\n    while (1) catch(fork());\n}" },
    };

    public static TheoryData<string, string> MemoryBombs() => new()
    {
        { "zsh", "s=x\nwhile true; do s=$s$s; done" },
        { "luajit", "local t = {}\nwhile true do t[#t + 1] = string.rep('x', 4 * 1024 * 1024) .. #t end" },
        { "pike", "int main() {\n    array(string) a = ({});\n    while (1) a += ({ \"x\" * (4 << 20) + sizeof(a) });\n}" },
    };

    public static TheoryData<string, string> WritesEverywhere() => new()
    {
        { "zsh", "for p in /etc/passwd /usr/bin/zsh /x /proc/sys/kernel/hostname /sys/fs/cgroup/pids.max /box/ok; do\n  if print -n x 2>/dev/null >> $p; then print \"$p written\"; else print \"$p denied\"; fi\ndone" },
        { "luajit", "for _, p in ipairs({'/etc/passwd', '/usr/bin/luajit', '/x', '/proc/sys/kernel/hostname', '/sys/fs/cgroup/pids.max', '/box/ok'}) do\n  local f = io.open(p, 'a')\n  print(p .. ((f and f:write('x') and f:close()) and ' written' or ' denied'))\nend" },
        { "pike", "int main() {\n    foreach (({ \"/etc/passwd\", \"/usr/bin/pike\", \"/x\", \"/proc/sys/kernel/hostname\", \"/sys/fs/cgroup/pids.max\", \"/box/ok\" }), string path)\n        write(\"%s %s\\n\", path, catch(Stdio.append_file(path, \"x\")) ? \"denied\" : \"written\");\n    return 0;\n}" },
    };

    [Theory]
    [MemberData(nameof(ForkBombs))]
    public async Task Fork_bomb_meets_the_pids_limit_and_then_the_time_limit(string language, string code)
    {
        var job = await graph.RunCheckedAsync(new { language, code, limits = new { maxProcesses = 32 } });

        AssertVerdict("time_limit_exceeded", job);
    }

    [Theory]
    [MemberData(nameof(MemoryBombs))]
    public async Task Memory_bomb_is_oom_killed_and_its_peak_measured(string language, string code)
    {
        var job = await graph.RunCheckedAsync(new { language, code, limits = new { memoryMb = 64 } });

        TestContext.Current.TestOutputHelper?.WriteLine($"{language} memory bomb: {Run(job)}");
        AssertVerdict("memory_limit_exceeded", job);
        Assert.Equal("memory", Run(job).GetProperty("limitExceeded").GetString());
        var peakKb = Run(job).GetProperty("memoryKb").GetInt64();
        // Under gVisor a compiled program's container keeps its compile stage's (larger) memory, so the run is judged
        // on its measured peak, which is over its limit; elsewhere the kernel stops it at the limit.
        if (graph.Runtime is not null && LanguageCatalog.LoadDefault().Find(language)!.Compile is not null)
            Assert.True(peakKb > 64 * 1024, $"a peak of {peakKb} KB is not over the 64 MB limit");
        else
            Assert.InRange(peakKb, 48 * 1024, 64 * 1024 + graph.PeakOverLimitKb);
    }

    [Theory]
    [MemberData(nameof(WritesEverywhere))]
    public async Task Nothing_outside_the_work_dir_is_writable(string language, string code)
    {
        var job = await graph.RunCheckedAsync(new { language, code });

        AssertVerdict("accepted", job);
        Assert.Equal("/etc/passwd denied\n" + $"/usr/bin/{language} denied\n" + "/x denied\n/proc/sys/kernel/hostname denied\n/sys/fs/cgroup/pids.max denied\n/box/ok written\n", Stdout(job));
    }
}
