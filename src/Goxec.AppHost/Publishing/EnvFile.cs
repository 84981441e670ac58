namespace Goxec.AppHost.Publishing;

/// <summary>KEY=VALUE lines, the format both docker-compose's env_file and kustomize's generators read.</summary>
internal static class EnvFile
{
    public static Dictionary<string, string> Read(string path) =>
        File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('='))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim());

    /// <summary>Values are written verbatim: neither reader unquotes, so a quote would become part of the value.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> variables, bool secret)
    {
        foreach (var (name, value) in variables)
            if (value.Contains('\n') || name.Contains('='))
                throw new InvalidOperationException($"'{name}' cannot be written to an env file (newline or '=' in it).");
        var text = string.Concat(variables.Select(v => $"{v.Key}={v.Value}\n"));
        // Secrets are created 0600 before any byte is written, so no other user can read them in between.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        if (secret && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
