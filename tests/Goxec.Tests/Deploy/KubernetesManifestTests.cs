using Goxec.Tests.Infrastructure;
using static Goxec.Tests.Deploy.YamlPath;

namespace Goxec.Tests.Deploy;

/// <summary>
/// <c>./goxec publish k8s</c>, checked without a cluster: the properties the deployment depends on,
/// and the whole output against the Kubernetes schemas (deploy/k8s-schema).
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private readonly PublishedFiles _files = PublishedFiles.Publish("k8s", workers: 4, apiReplicas: 2);

    public void Dispose() => _files.Dispose();

    private Dictionary<object, object> Workload(string name) => _files.Documents(name + ".yaml")[0];

    private static Dictionary<object, object> MainContainer(Dictionary<object, object> workload) =>
        (Dictionary<object, object>)At(workload, "spec", "template", "spec", "containers", 0);

    [Fact]
    public void Workers_and_the_api_are_scalable_deployments_with_the_requested_replicas()
    {
        Assert.Equal("Deployment", Text(Workload("worker"), "kind"));
        Assert.Equal("4", Text(Workload("worker"), "spec", "replicas"));
        Assert.Equal("Deployment", Text(Workload("api"), "kind"));
        Assert.Equal("2", Text(Workload("api"), "spec", "replicas"));
        var service = _files.Documents("api.yaml")[1];
        Assert.Equal("Service", Text(service, "kind"));
        Assert.Equal("api", Text(service, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal("8080", Text(service, "spec", "ports", 0, "targetPort"));
    }

    [Fact]
    public void The_compose_janitor_is_not_published_here_and_nothing_waits_for_it()
    {
        // Each node has its own engine: one janitor could not reach the others' containers.
        Assert.False(File.Exists(_files.Path("janitor.yaml")));
        Assert.DoesNotContain("janitor", File.ReadAllText(_files.Path("kustomization.yaml")));
        Assert.DoesNotContain("janitor", File.ReadAllText(_files.Path("worker.yaml")));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public void Probes_use_alive_for_liveness_and_health_for_readiness(string name)
    {
        var container = MainContainer(Workload(name));
        Assert.Equal("/alive", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("8080", Text(container, "readinessProbe", "httpGet", "port"));
    }

    [Theory]
    [InlineData("redis", "1024Mi")]
    [InlineData("api", "512Mi")]
    [InlineData("worker", "512Mi")]
    public void Every_container_has_requests_and_limits(string name, string memoryLimit)
    {
        var resources = At(MainContainer(Workload(name)), "resources");
        Assert.Equal(memoryLimit, Text(resources, "limits", "memory"));
        Assert.EndsWith("m", Text(resources, "limits", "cpu"));
        Assert.EndsWith("Mi", Text(resources, "requests", "memory"));
        Assert.EndsWith("m", Text(resources, "requests", "cpu"));
    }

    [Fact]
    public void Redis_keeps_its_aof_in_a_persistent_volume_and_requires_the_password()
    {
        var redis = Workload("redis");
        Assert.Equal("StatefulSet", Text(redis, "kind"));
        var claim = At(redis, "spec", "volumeClaimTemplates", 0);
        Assert.Equal("redis-data", Text(claim, "metadata", "name"));
        Assert.Equal("4Gi", Text(claim, "spec", "resources", "requests", "storage"));
        var container = MainContainer(redis);
        Assert.Contains(List(container, "volumeMounts"), m => Text(m, "name") == "redis-data" && Text(m, "mountPath") == "/data");
        var command = string.Join(' ', List(container, "command"));
        Assert.Contains("--appendonly yes", command);
        Assert.Contains("--dir /data", command);
        Assert.Contains("--requirepass \"$REDIS_PASSWORD\"", command);
        Assert.Equal("999", Text(redis, "spec", "template", "spec", "securityContext", "fsGroup"));
        Assert.Equal("Service", Text(_files.Documents("redis.yaml")[1], "kind"));
    }

    [Fact]
    public void Secrets_come_from_a_kustomize_secret_and_never_appear_in_the_manifests()
    {
        var kustomization = _files.Documents("kustomization.yaml")[0];
        var generators = List(kustomization, "secretGenerator").ToDictionary(g => Text(g, "name"), g => Text(g, "envs", 0));
        Assert.Equal("secrets/api.env", generators["api-secrets"]);
        Assert.Contains(List(MainContainer(Workload("api")), "envFrom"), s => s is Dictionary<object, object> m && m.ContainsKey("secretRef") && Text(m, "secretRef", "name") == "api-secrets");
        Assert.Contains(List(MainContainer(Workload("worker")), "envFrom"), s => s is Dictionary<object, object> m && m.ContainsKey("secretRef") && Text(m, "secretRef", "name") == "worker-secrets");

        var parameters = _files.Env("secrets/parameters.env");
        var password = parameters["redis-password"];
        Assert.Equal(48, password.Length);
        Assert.Equal(parameters["admin-key"], _files.Env("secrets/api.env")["Gateway__AdminKey"]);
        // No anonymous access, and stats, dead letters and /metrics only with that key.
        Assert.Equal("false", _files.Env("config/api.env")["Gateway__AllowAnonymous"]);
        Assert.Equal("false", _files.Env("config/api.env")["Gateway__OpenOperatorViews"]);
        Assert.Equal($"redis:6379,password={password}", _files.Env("secrets/worker.env")["ConnectionStrings__redis"]);
        Assert.DoesNotContain("Gateway__AdminKey", _files.Env("secrets/worker.env").Keys); // workers never see the admin key
        foreach (var file in Directory.EnumerateFiles(_files.Directory, "*.*", SearchOption.TopDirectoryOnly).Concat(Directory.EnumerateFiles(_files.Path("config"))))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(password, text);
            Assert.DoesNotContain(parameters["admin-key"], text);
        }
        foreach (var file in Directory.EnumerateFiles(_files.Path("secrets")))
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Contains("secrets/", File.ReadAllLines(_files.Path(".gitignore")));
    }

    [Fact]
    public void Publishing_again_keeps_the_generated_passwords()
    {
        var before = _files.Env("secrets/parameters.env");
        using var again = PublishedFiles.Publish("k8s", workers: 1, into: _files.Directory);
        Assert.Equal(before, again.Env("secrets/parameters.env"));
        Assert.Equal("1", Text(again.Documents("worker.yaml")[0], "spec", "replicas"));
    }

    [Fact]
    public void Workers_reach_the_nodes_docker_engine_and_its_cgroups()
    {
        var worker = Workload("worker");
        var volumes = List(worker, "spec", "template", "spec", "volumes").ToDictionary(v => Text(v, "name"));
        Assert.Equal("/var/run/docker.sock", Text(volumes["docker-socket"], "hostPath", "path"));
        Assert.Equal("Socket", Text(volumes["docker-socket"], "hostPath", "type"));
        Assert.Equal("/host/sys/fs/cgroup", _files.Env("config/worker.env")["Sandbox__CgroupRoot"]);
        Assert.Equal("45", Text(worker, "spec", "template", "spec", "terminationGracePeriodSeconds"));
    }

    [Fact]
    public async Task The_manifests_pass_the_kubernetes_schema_check()
    {
        var node = Prerequisite.RequireExecutable("node", "install nodejs");
        var schemaDir = Path.Combine(Goxec.AppHost.Repository.Root, "deploy", "k8s-schema");
        if (!Directory.Exists(Path.Combine(schemaDir, "node_modules")))
            Assert.Equal(0, (await Cli.RunAsync(Prerequisite.RequireExecutable("npm", "install npm"), schemaDir, "ci", "--no-audit", "--no-fund")).ExitCode);

        var (exitCode, output) = await Cli.RunAsync(node, schemaDir, "validate.mjs", _files.Directory);

        Assert.True(exitCode == 0, output);
        Assert.StartsWith("11 objects valid", output); // 3 workloads, 2 services, 3 config maps, 3 secrets
    }

    [Fact]
    public async Task The_schema_check_rejects_a_broken_manifest()
    {
        var node = Prerequisite.RequireExecutable("node", "install nodejs");
        var schemaDir = Path.Combine(Goxec.AppHost.Repository.Root, "deploy", "k8s-schema");
        if (!Directory.Exists(Path.Combine(schemaDir, "node_modules")))
            Assert.Equal(0, (await Cli.RunAsync(Prerequisite.RequireExecutable("npm", "install npm"), schemaDir, "ci", "--no-audit", "--no-fund")).ExitCode);
        var path = _files.Path("worker.yaml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Replace("replicas: 4", "replicas: four", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exitCode, output) = await Cli.RunAsync(node, schemaDir, "validate.mjs", _files.Directory);

        Assert.Equal(1, exitCode);
        Assert.Contains("Deployment worker: data/spec/replicas must be integer", output);
    }
}
