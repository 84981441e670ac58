namespace Goxec.Hosting;

/// <summary>
/// Interleaves every resource's output on one writer as <c>name | line</c>, like docker compose,
/// with a stable color per name on a terminal.
/// </summary>
internal sealed class ConsoleLog(TextWriter output, bool useColors, int nameWidth)
{
    private static readonly string[] s_colors = ["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _colorByName = [];

    public void Line(string source, string text)
    {
        lock (_lock)
        {
            var prefix = source.PadRight(nameWidth) + " |";
            if (useColors)
            {
                if (!_colorByName.TryGetValue(source, out var color))
                    _colorByName[source] = color = s_colors[_colorByName.Count % s_colors.Length];
                prefix = $"\u001b[{color}m{prefix}\u001b[0m";
            }
            output.WriteLine($"{prefix} {text}");
            output.Flush();
        }
    }

    /// <summary>The orchestrator's own messages (state changes), under the name "goxec".</summary>
    public void Event(string text) => Line("goxec", text);
}

/// <summary>The last lines of one instance's output, kept for diagnostics when startup fails.</summary>
internal sealed class LogBuffer(int capacity = 200)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            if (_lines.Count == capacity) _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock) return [.. _lines];
    }
}
