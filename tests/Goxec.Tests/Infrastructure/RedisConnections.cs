using Goxec.Jobs;
using StackExchange.Redis;

namespace Goxec.Tests.Infrastructure;

/// <summary>A test's own StackExchange.Redis connection, configured as Goxec's processes configure theirs.</summary>
public static class RedisConnections
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, string clientName = "goxec-test")
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.ClientName = clientName;
        options.AllowAdmin = true; // tests read CLIENT LIST, flush scripts and the like
        JobsRedis.Configure(options);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
