using StackExchange.Redis;
using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Reliability;

/// <summary>
/// The graph with recovery tuned for tests (reclaim after 3 s) and one extra language, "ghost",
/// whose image does not exist — a sandbox that can never start.
/// </summary>
public sealed class RecoveryGraphFixture : GoxecGraphFixture
{
    private readonly string _languages = Directory.CreateTempSubdirectory("goxec-languages-").FullName;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    protected override Dictionary<string, string> Environment()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "runtimes");
        foreach (var descriptor in Directory.EnumerateFiles(source, "runtime.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_languages, Path.GetFileName(Path.GetDirectoryName(descriptor)!));
            Directory.CreateDirectory(target);
            File.Copy(descriptor, Path.Combine(target, "runtime.yaml"));
        }
        Directory.CreateDirectory(Path.Combine(_languages, "ghost"));
        File.WriteAllText(Path.Combine(_languages, "ghost", "runtime.yaml"), "id: ghost\nname: Ghost\nfile: main.txt\nrun: [cat, main.txt]\n");

        return new()
        {
            ["Languages__Path"] = _languages,
            ["Worker__ReclaimIdle"] = "00:00:03",
            ["Worker__ReclaimInterval"] = "00:00:01",
            ["Worker__ShutdownGrace"] = "00:00:20",
            ["Worker__Concurrency"] = "2",
        };
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Redis = await Infrastructure.RedisConnections.ConnectAsync(App.ConnectionString("redis"));
    }

    public override async ValueTask DisposeAsync()
    {
        if (Redis is not null) await Redis.DisposeAsync();
        await base.DisposeAsync();
        Directory.Delete(_languages, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RecoveryCollection : ICollectionFixture<RecoveryGraphFixture>
{
    public const string Name = "recovery";
}
