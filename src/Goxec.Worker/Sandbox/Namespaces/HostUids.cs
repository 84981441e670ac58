namespace Goxec.Worker.Sandbox.Namespaces;

/// <summary>
/// Leases a host uid to each running job, so no two jobs on a host share one (per-user kernel counters,
/// signals and ptrace stay between a job and itself). A lease is an exclusive advisory lock (flock) on the
/// uid's file in the state directory — .NET takes one for <see cref="FileShare.None"/> — so leases are
/// shared by every worker process on the host and end when their holder dies, however it dies.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class HostUids(string directory, int first, int count)
{
    private int _next = Random.Shared.Next(count);

    public sealed class Lease(int uid, FileStream lockFile) : IDisposable
    {
        public int Uid => uid;

        public void Dispose() => lockFile.Dispose();
    }

    public Lease Take()
    {
        Directory.CreateDirectory(directory);
        for (var tried = 0; tried < count; tried++)
        {
            var uid = first + (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
            try
            {
                return new Lease(uid, new FileStream(Path.Combine(directory, $"{uid}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Held by another job of this or another worker.
            }
        }
        throw new SandboxException($"All {count} sandbox uids from {first} are in use on this host.");
    }
}
