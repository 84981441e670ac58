using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace Goxec.Docker;

/// <summary>One regular file to put in an archive. Name is relative, "/"-separated, e.g. "src/main.py".</summary>
public sealed record TarArchiveFile(string Name, ReadOnlyMemory<byte> Content, UnixFileMode Mode = TarArchive.DefaultFileMode);

/// <summary>Builds the small in-memory tar archives that carry a job's files into its container.</summary>
public static class TarArchive
{
    public const UnixFileMode DefaultFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirectoryMode = DefaultFileMode
        | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// A ustar archive of the files, owned by uid:gid, with entries for their parent directories
    /// (minimal extractors such as busybox tar do not create missing parents).
    /// </summary>
    /// <exception cref="ArgumentException">A name is absolute, empty, has "." or ".." segments, or repeats.</exception>
    public static byte[] Build(IEnumerable<TarArchiveFile> files, int uid = 1000, int gid = 1000)
    {
        // Names come from users: a job must never be able to write outside the directory it is extracted into.
        var list = files.ToList();
        foreach (var file in list) ValidateName(file.Name);
        if (list.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new ArgumentException($"'{duplicate.Key}' appears more than once.", nameof(files));

        var modified = DateTimeOffset.UtcNow;
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in list)
            {
                foreach (var directory in ParentDirectories(file.Name))
                {
                    if (directories.Add(directory))
                        writer.WriteEntry(Entry(TarEntryType.Directory, directory + "/", DirectoryMode, uid, gid, modified));
                }
                var entry = Entry(TarEntryType.RegularFile, file.Name, file.Mode, uid, gid, modified);
                entry.DataStream = AsStream(file.Content);
                writer.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode, int uid, int gid, DateTimeOffset modified) =>
        new(type, name) { Mode = mode, Uid = uid, Gid = gid, ModificationTime = modified };

    private static void ValidateName(string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.Contains('\0') || name.Contains('\\')
            || name.Split('/').Any(segment => segment is "" or "." or ".."))
            throw new ArgumentException($"'{name}' is not a safe relative path inside the archive.", nameof(name));
    }

    private static IEnumerable<string> ParentDirectories(string name)
    {
        for (var slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
            yield return name[..slash];
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
