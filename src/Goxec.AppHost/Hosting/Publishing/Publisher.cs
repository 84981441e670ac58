using System.Security.Cryptography;

namespace Goxec.Hosting;

/// <summary>
/// Writes the graph as deployment files (docker-compose or Kubernetes) into one folder: the
/// manifests, plain settings in config/, and generated secrets in a git-ignored secrets/ (0600).
/// </summary>
public static class Publisher
{
    public static IReadOnlyList<string> Publish(IDistributedApplicationBuilder builder, PublishOptions options)
    {
        var resources = builder.Resources.Where(r => r.Container.Image is not null).ToList();
        var output = Directory.CreateDirectory(options.OutputPath).FullName;
        var secretsDir = Path.Combine(output, "secrets");
        Directory.CreateDirectory(secretsDir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(output, ".gitignore"), "# Generated passwords and keys: never commit them.\nsecrets/\n");

        var context = new PublishContext(LoadOrCreateParameters(resources, secretsDir), options.ReadImageTags());
        var services = resources.Select(r => PublishedService.From(r, resources, context)).ToList();
        foreach (var service in services.Where(s => s.Secrets.Count > 0))
            EnvFile.Write(Path.Combine(secretsDir, service.Name + ".env"), service.Secrets, secret: true);

        IReadOnlyList<string> written = options.Publisher switch
        {
            "compose" => ComposePublisher.Write(services, output),
            "k8s" => KubernetesPublisher.Write(services, output),
            _ => throw new ArgumentException($"Unknown publisher '{options.Publisher}'."),
        };
        return written;
    }

    /// <summary>Secret parameters keep their value across publishes: Redis's AOF already holds data under the old password.</summary>
    private static Dictionary<string, string> LoadOrCreateParameters(IEnumerable<Resource> resources, string secretsDir)
    {
        var path = Path.Combine(secretsDir, "parameters.env");
        var values = File.Exists(path) ? EnvFile.Read(path) : [];
        foreach (var parameter in resources.SelectMany(r => r.Container.Parameters).Distinct().Where(p => !values.ContainsKey(p.Name)))
            values[parameter.Name] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        EnvFile.Write(path, values.OrderBy(v => v.Key, StringComparer.Ordinal), secret: true);
        return values;
    }
}
