using System.Text.Json;
using System.Text.Json.Nodes;

namespace Goxec.Tests.Gateway;

/// <summary>
/// The web app builds its types from <c>src/Goxec.Web/openapi/v1.json</c> (openapi-typescript). That copy must be the
/// Api's own document, so an Api change that the app does not follow fails here rather than in a browser.
/// <c>GOXEC_UPDATE_OPENAPI=1</c> rewrites the copy from the running Api.
/// </summary>
[Collection(GatewayCollection.Name)]
public class OpenApiDocumentTests(GatewayGraphFixture gateway)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task The_web_apps_copy_of_the_openapi_document_is_the_apis_own()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = gateway.Client(0);
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json", ct).WaitAsync(GatewayGraphFixture.Timeout, ct))!.AsObject();
        served.Remove("servers"); // the address this request came to; not part of the contract
        var expected = served.ToJsonString(Indented) + "\n";
        var path = Path.Combine(RepositoryRoot(), "src", "Goxec.Web", "openapi", "v1.json");

        if (Environment.GetEnvironmentVariable("GOXEC_UPDATE_OPENAPI") == "1" && Environment.GetEnvironmentVariable("CI") != "true")
            await File.WriteAllTextAsync(path, expected, ct);

        Assert.True(File.Exists(path), $"{path} is missing");
        var committed = await File.ReadAllTextAsync(path, ct);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(committed), JsonNode.Parse(expected)),
            $"{path} differs from the Api's /openapi/v1.json: run GOXEC_UPDATE_OPENAPI=1 dotnet test --filter {nameof(The_web_apps_copy_of_the_openapi_document_is_the_apis_own)}, then rebuild the web app.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Goxec.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Goxec.sln above {AppContext.BaseDirectory}.");
    }
}
