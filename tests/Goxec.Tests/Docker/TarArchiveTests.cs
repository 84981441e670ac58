using System.Formats.Tar;
using System.Text;
using Goxec.Docker;

namespace Goxec.Tests.Docker;

public sealed class TarArchiveTests
{
    [Fact]
    public void Round_trips_files_with_modes_owner_and_parent_directories()
    {
        var executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var tar = TarArchive.Build(
            [new TarArchiveFile("main.py", "print(1)\n"u8.ToArray()), new TarArchiveFile("bin/run.sh", "#!/bin/sh\n"u8.ToArray(), executable)],
            uid: 1234, gid: 5678);

        var entries = ReadAll(tar);

        Assert.Equal(["main.py", "bin/", "bin/run.sh"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((1234, 5678), (e.Uid, e.Gid)));
        Assert.Equal(TarEntryType.Directory, entries[1].Type);
        Assert.Equal(TarArchive.DefaultFileMode, entries[0].Mode);
        Assert.Equal(executable, entries[2].Mode);
        Assert.Equal("print(1)\n", entries[0].Content);
        Assert.Equal("#!/bin/sh\n", entries[2].Content);
    }

    [Fact]
    public void Shares_parent_directory_entries_between_files()
    {
        var tar = TarArchive.Build([new TarArchiveFile("a/b/c.txt", "c"u8.ToArray()), new TarArchiveFile("a/d.txt", "d"u8.ToArray())]);

        Assert.Equal(["a/", "a/b/", "a/b/c.txt", "a/d.txt"], ReadAll(tar).Select(e => e.Name));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/x")]
    [InlineData("a/../../x")]
    [InlineData("a//b")]
    [InlineData("./x")]
    [InlineData("")]
    [InlineData("dir/")]
    public void Rejects_names_that_could_escape_the_target(string name)
    {
        Assert.Throws<ArgumentException>(() => TarArchive.Build([new TarArchiveFile(name, "x"u8.ToArray())]));
    }

    [Fact]
    public void Rejects_duplicate_names()
    {
        Assert.Throws<ArgumentException>(() => TarArchive.Build([new TarArchiveFile("x", "1"u8.ToArray()), new TarArchiveFile("x", "2"u8.ToArray())]));
    }

    private static List<(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, string? Content)> ReadAll(byte[] tar)
    {
        var entries = new List<(string, TarEntryType, UnixFileMode, int, int, string?)>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is { } data ? new StreamReader(data, Encoding.UTF8).ReadToEnd() : null;
            entries.Add((entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, content));
        }
        return entries;
    }
}
