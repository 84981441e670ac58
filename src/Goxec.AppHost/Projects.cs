using Goxec.Hosting;

namespace Projects;

// Aspire generates these from ProjectReferences; the names keep the same shape.
#pragma warning disable CA1707 // Underscores mirror Aspire's generated names.
public sealed class Goxec_Api : IProjectMetadata
{
    public string ProjectPath => BuildInfo.PathInRepository("src/Goxec.Api");
}

public sealed class Goxec_Worker : IProjectMetadata
{
    public string ProjectPath => BuildInfo.PathInRepository("src/Goxec.Worker");
}
