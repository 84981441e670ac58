namespace Goxec.Worker.Sandbox;

/// <summary>
/// Recent demand per language: the jobs that asked for a container (warm or not) within the window.
/// The pool sizes each language by it, so a language in use gets warm containers and one that falls
/// quiet gives its room back.
/// </summary>
public sealed class PoolDemand(TimeProvider clock, TimeSpan window)
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _takes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Record(string language)
    {
        lock (_gate)
        {
            if (!_takes.TryGetValue(language, out var times)) _takes[language] = times = new Queue<DateTimeOffset>();
            times.Enqueue(clock.GetUtcNow());
            Trim(times);
        }
    }

    /// <summary>Takes per language within the window, busiest first; languages with none are left out.</summary>
    public IReadOnlyList<(string Language, int Takes)> Snapshot()
    {
        lock (_gate)
        {
            foreach (var (language, times) in _takes.ToList())
            {
                Trim(times);
                if (times.Count == 0) _takes.Remove(language);
            }
            return [.. _takes.Select(t => (t.Key, t.Value.Count)).OrderByDescending(t => t.Item2).ThenBy(t => t.Key, StringComparer.Ordinal)];
        }
    }

    private void Trim(Queue<DateTimeOffset> times)
    {
        var since = clock.GetUtcNow() - window;
        while (times.TryPeek(out var oldest) && oldest <= since) times.Dequeue();
    }
}
