using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Publishing;

/// <summary>
/// Writes the Aspire model as deployment files (docker-compose or Kubernetes) into one folder: the
/// manifests, plain settings in config/, and generated secrets in a git-ignored secrets/ (0600).
/// Every resource published as a container (<see cref="PublishedContainerAnnotation"/>) for the target becomes a service.
/// </summary>
public static class Publisher
{
    public static readonly string[] Targets = ["compose", "k8s"];

    public static IReadOnlyList<string> Publish(IEnumerable<IResource> model, string target, string outputPath, string? imageTagsFile)
    {
        if (!Targets.Contains(target)) throw new ArgumentException($"The target must be one of {string.Join(", ", Targets)}, not '{target}'.");
        if (imageTagsFile is not null && !File.Exists(imageTagsFile)) throw new ArgumentException($"Goxec:ImageTags: no file '{imageTagsFile}' (./goxec images --apps writes it).");
        var resources = model.Where(r => r.Annotations.OfType<PublishedContainerAnnotation>().LastOrDefault() is { } c && (c.Targets?.Contains(target) ?? true)).ToList();
        var output = Directory.CreateDirectory(outputPath).FullName;
        var secretsDir = Path.Combine(output, "secrets");
        Directory.CreateDirectory(secretsDir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(secretsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(output, ".gitignore"), "# Generated passwords and keys: never commit them.\nsecrets/\n");

        var imageTags = imageTagsFile is null ? new Dictionary<string, string>() : EnvFile.Read(imageTagsFile);
        var context = new PublishContext(LoadOrCreateParameters(resources, secretsDir), imageTags);
        var services = resources.Select(r => PublishedService.From(r, resources, context)).ToList();
        foreach (var service in services.Where(s => s.Secrets.Count > 0))
            EnvFile.Write(Path.Combine(secretsDir, service.Name + ".env"), service.Secrets, secret: true);

        return target == "compose" ? ComposePublisher.Write(services, output) : KubernetesPublisher.Write(services, output);
    }

    /// <summary>Secret parameters keep their value across publishes: Redis's AOF already holds data under the old password.</summary>
    private static Dictionary<string, string> LoadOrCreateParameters(IEnumerable<IResource> resources, string secretsDir)
    {
        var path = Path.Combine(secretsDir, "parameters.env");
        var values = File.Exists(path) ? EnvFile.Read(path) : [];
        foreach (var parameter in resources.SelectMany(r => r.Published().Parameters).Distinct().Where(p => !values.ContainsKey(p.Name)))
            values[parameter.Name] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        EnvFile.Write(path, values.OrderBy(v => v.Key, StringComparer.Ordinal), secret: true);
        return values;
    }
}
