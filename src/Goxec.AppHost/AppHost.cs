using Goxec.AppHost;
using Goxec.Hosting;

PublishOptions? publish;
try { publish = PublishOptions.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"goxec: {e.Message}"); return 2; }

var builder = DistributedApplication.CreateBuilder(args);
// The graph lives in one method so tests, and publishing, use the very same model.
GoxecGraph.Build(builder, publish is null ? null : new GoxecGraphOptions { Workers = publish.Workers ?? 3, ApiReplicas = publish.ApiReplicas ?? 1 });
if (publish is not null)
{
    try
    {
        foreach (var file in Publisher.Publish(builder, publish)) Console.WriteLine(file);
        return 0;
    }
    catch (ArgumentException e) { Console.Error.WriteLine($"goxec: {e.Message}"); return 2; }
}
await builder.Build().RunAsync();
return 0;
