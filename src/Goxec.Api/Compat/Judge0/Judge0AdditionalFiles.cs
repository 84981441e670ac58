using System.IO.Compression;
using System.Text;
using Goxec.Api.Jobs;
using Goxec.Jobs;

namespace Goxec.Api.Compat.Judge0;

/// <summary>
/// Judge0's <c>additional_files</c>: a base64 zip whose files sit next to the program. Unpacked here, in memory,
/// never onto a disk, and held to strict rules — flat names only (no directories, absolute paths or <c>..</c>), no
/// symlinks, no duplicates, UTF-8 text, a cap on entries and on bytes actually read (a declared size is not trusted:
/// zip bombs lie). What passes becomes ordinary job files, checked again by the job validator.
/// </summary>
internal static class Judge0AdditionalFiles
{
    public const int MaxZipBytes = 512 * 1024;
    public const int MaxEntries = 16;
    public const int MaxTotalBytes = 256 * 1024;
    private const int SymlinkMode = 0xA000; // S_IFLNK in the high half of a Unix zip entry's external attributes

    public static (List<SourceFile>? Files, string? Problem) Extract(string base64, string sourceFile)
    {
        byte[] zip;
        try { zip = Convert.FromBase64String(base64); }
        catch (FormatException) { return (null, "is not valid base64"); }
        if (zip.Length > MaxZipBytes) return (null, $"is larger than {MaxZipBytes} bytes");
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries) return (null, $"has more than {MaxEntries} entries");
            var files = new List<SourceFile>();
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName;
                if (name.EndsWith('/') || name.Contains('/') || name.Contains('\\'))
                    return (null, $"entry '{Shown(name)}': only flat files are supported (no directories or paths)");
                if (JobRequestValidator.FileNameProblem(name) is { } problem) return (null, $"entry '{Shown(name)}': {problem}");
                if (((entry.ExternalAttributes >> 16) & 0xF000) == SymlinkMode) return (null, $"entry '{name}' is a symbolic link");
                if (name == sourceFile) return (null, $"entry '{name}' has the name of the source file");
                if (files.Any(f => f.Name == name)) return (null, $"entry '{name}' appears twice");
                var bytes = ReadCapped(entry, MaxTotalBytes - total);
                if (bytes is null) return (null, $"unpacks to more than {MaxTotalBytes} bytes");
                total += bytes.Length;
                string text;
                try { text = new UTF8Encoding(false, true).GetString(bytes); }
                catch (DecoderFallbackException) { return (null, $"entry '{name}' is not UTF-8 text"); }
                files.Add(new SourceFile(name, text));
            }
            return files.Count == 0 ? (null, "is an empty zip") : (files, null);
        }
        catch (InvalidDataException) { return (null, "is not a valid zip archive"); }
    }

    private static byte[]? ReadCapped(ZipArchiveEntry entry, long room)
    {
        using var stream = entry.Open();
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > room) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    // Names come from the client: keep the echo short and printable.
    private static string Shown(string name) => new([.. name.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}
