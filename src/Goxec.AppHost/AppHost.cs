using Goxec.AppHost;
using Goxec.AppHost.Publishing;

var builder = DistributedApplication.CreateBuilder(args);

var options = GoxecGraphOptions.From(builder.Configuration);
if (!builder.ExecutionContext.IsPublishMode)
{
    GoxecGraph.WithLocalDefaults(options);
    Console.WriteLine(GoxecGraph.LocalDefaults);
}
GoxecGraph.Build(builder, options);
builder.AddGoxecPublishers();

builder.Build().Run();
