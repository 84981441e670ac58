using System.Collections.Concurrent;

namespace Goxec.Worker.Queue;

/// <summary>
/// The jobs this worker is running now, by stream entry id, and the containers it owns, by name:
/// read by the heartbeat, the registry and the reaper.
/// </summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, string> _jobByEntry = new();
    private readonly ConcurrentDictionary<string, byte> _containers = new(StringComparer.Ordinal);

    /// <summary>Claims a container name before it is created, so the reaper never takes a live one.</summary>
    public void TrackContainer(string name) => _containers.TryAdd(name, 0);

    public void UntrackContainer(string name) => _containers.TryRemove(name, out _);

    public bool OwnsContainer(string name) => _containers.ContainsKey(name.TrimStart('/'));

    public bool TryAdd(string entryId, string jobId) => _jobByEntry.TryAdd(entryId, jobId);

    public void Remove(string entryId) => _jobByEntry.TryRemove(entryId, out _);

    public IReadOnlyCollection<string> EntryIds => [.. _jobByEntry.Keys];

    /// <summary>Entry id → job id, a snapshot.</summary>
    public IReadOnlyCollection<KeyValuePair<string, string>> Entries => [.. _jobByEntry];

    public IReadOnlyCollection<string> JobIds => [.. _jobByEntry.Values];

    public int Count => _jobByEntry.Count;
}
