using Goxec.AppHost;
using Goxec.AppHost.Publishing;

var builder = DistributedApplication.CreateBuilder(args);

GoxecGraph.Build(builder);
builder.AddGoxecPublishers();

builder.Build().Run();
