using Goxec.Api.Streaming;
using Goxec.Jobs;
using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Streaming;

public class JobInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_input_cap_counts_utf8_bytes_not_characters()
    {
        await using var server = await RedisServer.StartAsync(ct: Ct);
        await using var redis = await RedisConnections.ConnectAsync(server.ConnectionString);
        var input = new JobInput(new JobEventLog(redis), "bytes", maxBytes: 5, TimeSpan.FromMinutes(1));

        Assert.True(await input.StdinAsync("éé", Ct)); // 2 characters, 4 bytes
        Assert.False(await input.StdinAsync("é", Ct)); // 6 bytes in all: over, though only 3 characters
        Assert.True(await input.StdinAsync("x", Ct));
    }
}
