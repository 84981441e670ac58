using Goxec.Tests.Infrastructure;

namespace Goxec.Tests.Hostile;

/// <summary>
/// The whole hostile suite again, every job under gVisor (Sandbox:Runtime=runsc): each case must hold on the
/// stronger tier too. Needs runsc registered with the Docker daemon (scripts/gvisor.sh; ./goxec test does it).
/// </summary>
public sealed class GvisorHostileGraphFixture : HostileGraphFixture
{
    public override string? Runtime => "runsc";

    public override long PeakOverLimitKb => 4;

    public override async ValueTask InitializeAsync()
    {
        Prerequisite.RequireDocker();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Prerequisite.Require((await Docker.GetRuntimesAsync(timeout.Token)).Contains("runsc"), "gVisor's runsc registered with the Docker daemon",
            "bash scripts/gvisor.sh installs and registers it, as ./goxec test does");
        await base.InitializeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GvisorHostileCollection : ICollectionFixture<GvisorHostileGraphFixture>
{
    public const string Name = "hostile under gVisor";
}

[Collection(GvisorHostileCollection.Name)]
public sealed class GvisorResourceBombTests(GvisorHostileGraphFixture graph) : ResourceBombTests(graph);

[Collection(GvisorHostileCollection.Name)]
public sealed class GvisorEscapeTests(GvisorHostileGraphFixture graph) : EscapeTests(graph);

[Collection(GvisorHostileCollection.Name)]
public sealed class GvisorCompileAndOutputTests(GvisorHostileGraphFixture graph) : CompileAndOutputTests(graph);

[Collection(GvisorHostileCollection.Name)]
public sealed class GvisorNewLanguageHostileTests(GvisorHostileGraphFixture graph) : NewLanguageHostileTests(graph);
