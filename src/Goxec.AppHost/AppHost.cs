using Goxec.AppHost;
using Goxec.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
GoxecGraph.Build(builder); // The graph lives in one method so tests can start the very same model.
await builder.Build().RunAsync();
