var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
app.UseStatusCodePages();
app.UseGateway();
app.MapDefaultEndpoints();
app.MapJobsApi();
app.MapJobStreamApi();
app.MapInteractiveRunApi();
app.MapLanguagesApi();
app.MapLimitsApi();
app.MapKeysApi();
app.MapDeadLettersApi();
app.MapStatsApi();
app.MapCompatApis();
app.MapApiDocs();
app.MapWebUi();

app.Run();
