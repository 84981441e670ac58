using System.Globalization;

namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// Reads cgroup interface files. Every read tolerates a vanished group (its container was killed and
/// removed) or a file this kernel does not have: the answer is then null, never 0.
/// </summary>
internal static class CgroupFile
{
    /// <summary>A single-value file ("123\n"); "max" and anything unreadable are null.</summary>
    public static long? ReadLong(string path) => Parse(ReadText(path)?.Trim());

    /// <summary>One key of a flat keyed file ("usage_usec 123\nuser_usec 45\n", memory.events, memory.oom_control).</summary>
    public static long? ReadKey(string path, string key) => Key(ReadText(path), key);

    public static long? Key(string? text, string key)
    {
        if (text is null) return null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.Length > key.Length && line.StartsWith(key, StringComparison.Ordinal) && line[key.Length] == ' ')
                return Parse(line[(key.Length + 1)..].Trim().ToString());
        }
        return null;
    }

    public static string? ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static long? Parse(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
