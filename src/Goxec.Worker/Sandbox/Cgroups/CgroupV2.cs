using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// A cgroup v2 group: one directory with every controller's files. CPU time is cpu.stat's usage_usec (core,
/// always there); the memory peak is memory.peak (Linux 5.19+), resettable per open file from Linux 6.12.
/// </summary>
/// <param name="peakResettable">Whether this kernel resets memory.peak when written (6.12+); a failed reset falls back anyway.</param>
public sealed class CgroupV2(string directory, bool peakResettable) : Cgroup
{
    public override CgroupVersion Version => CgroupVersion.V2;

    public override string Path => directory;

    public override CgroupSample Read()
    {
        var events = CgroupFile.ReadText(File("memory.events"));
        var usageUsec = CgroupFile.ReadKey(File("cpu.stat"), "usage_usec");
        return new CgroupSample(
            CpuNs: usageUsec * 1000,
            CurrentBytes: CgroupFile.ReadLong(File("memory.current")),
            PeakBytes: CgroupFile.ReadLong(File("memory.peak")),
            OomKills: CgroupFile.Key(events, "oom_kill"),
            LimitHits: CgroupFile.Key(events, "max"),
            Processes: Processes());
    }

    public override long? Processes() => CgroupFile.ReadLong(File("pids.current"));

    internal override PeakWindow OpenPeakWindow()
    {
        var peak = File("memory.peak");
        if (!System.IO.File.Exists(peak))
            return new PeakWindow.None("this kernel has no memory.peak (Linux 5.19+)");
        if (peakResettable && ResettablePeak.TryOpen(peak) is { } reset) return reset;
        return new PeakWindow.RiseOnly(CgroupFile.ReadLong(peak),
            "memory.peak cannot be reset between stages before Linux 6.12, and this stage stayed below an earlier stage's peak");
    }

    public bool Exists => Directory.Exists(directory);

    private string File(string name) => System.IO.Path.Combine(directory, name);

    /// <summary>
    /// memory.peak opened for reading and writing: a write resets the peak to the current usage for reads
    /// through this same file descriptor (Linux 6.12+), so the handle is held for the whole stage.
    /// </summary>
    private sealed class ResettablePeak : PeakWindow
    {
        private readonly SafeFileHandle _handle;
        private readonly byte[] _buffer = new byte[32];

        private ResettablePeak(SafeFileHandle handle) => _handle = handle;

        public static ResettablePeak? TryOpen(string path)
        {
            SafeFileHandle? handle = null;
            try
            {
                handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                RandomAccess.Write(handle, "reset\n"u8, 0);
                return new ResettablePeak(handle);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                handle?.Dispose();
                return null;
            }
        }

        public override long? Read(CgroupSample now)
        {
            try
            {
                var read = RandomAccess.Read(_handle, _buffer, 0);
                return long.TryParse(Encoding.ASCII.GetString(_buffer, 0, read).Trim(), out var bytes) ? bytes : null;
            }
            catch (IOException)
            {
                return null; // the group was removed under us (ENODEV): the last reading stands
            }
        }

        public override string Approximation => "the cgroup vanished before its memory peak could be read";

        public override void Dispose() => _handle.Dispose();
    }
}
