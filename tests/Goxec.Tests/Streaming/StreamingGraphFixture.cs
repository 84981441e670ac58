using Goxec.Tests.Pipeline;

namespace Goxec.Tests.Streaming;

/// <summary>Two Api replicas (a client may talk to the one that did not accept its job) and a small subscriber queue.</summary>
public sealed class StreamingGraphFixture : GoxecGraphFixture
{
    protected override int ApiReplicas => 2;

    protected override Dictionary<string, string> Environment() => new()
    {
        ["Streaming__MaxQueuedMessages"] = "4",
        ["Streaming__SendTimeout"] = "00:00:02",
        // One test needs more output than the socket buffers between server and client can hold.
        ["Submission__RunMaxima__MaxOutputBytes"] = BigOutput,
        ["Sandbox__RunCeiling__MaxOutputBytes"] = BigOutput,
        ["Worker__Concurrency"] = "2",
    };

    public const int BigOutputBytes = 48 * 1024 * 1024;
    private static readonly string BigOutput = BigOutputBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One Api replica's own address (not the proxy in front of both).</summary>
    public Uri Api(int replica) => App.GetResource($"api-{replica}").Endpoint!;
}

[CollectionDefinition(Name)]
public sealed class StreamingCollection : ICollectionFixture<StreamingGraphFixture>
{
    public const string Name = "streaming";
}
