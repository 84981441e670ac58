using Microsoft.Extensions.FileProviders;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the built browser app (src/Goxec.Web/dist) at <c>/</c>, same origin as the Api.</summary>
internal static class WebUiExtensions
{
    public static WebApplication MapWebUi(this WebApplication app)
    {
        var root = app.Configuration["Web:Root"] ?? FindDist(app.Environment.ContentRootPath);
        if (root is null || !Directory.Exists(root))
        {
            app.Logger.LogWarning("No built web app found (run 'npm run build' in src/Goxec.Web or set Web:Root); '/' will answer 404.");
            return app;
        }
        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        // Client-side routes (e.g. /dashboard) get the app's page; unknown API paths stay 404.
        app.MapFallback("{*path:nonfile}", async context =>
        {
            if (context.Request.Path.StartsWithSegments("/api")) { context.Response.StatusCode = 404; return; }
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
        });
        return app;
    }

    private static string? FindDist(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Goxec.Web", "dist");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "Goxec.Web", "dist");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
