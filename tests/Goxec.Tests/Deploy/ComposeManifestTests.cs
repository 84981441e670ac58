using Goxec.AppHost.Publishing;
using static Goxec.Tests.Deploy.YamlPath;

namespace Goxec.Tests.Deploy;

/// <summary><c>./goxec publish compose</c>'s file, checked without running it (ComposeDeployTests runs it).</summary>
public sealed class ComposeManifestTests : IDisposable
{
    private readonly PublishedFiles _files = PublishedFiles.Publish("compose", workers: 3);

    public void Dispose() => _files.Dispose();

    private Dictionary<object, object> Service(string name) =>
        (Dictionary<object, object>)At(_files.Documents("docker-compose.yml")[0], "services", name);

    [Fact]
    public void No_service_has_a_fixed_container_name_so_workers_scale()
    {
        foreach (var name in new[] { "redis", "api", "worker", "janitor" }) Assert.False(Service(name).ContainsKey("container_name"), name);
        Assert.Equal("3", Text(Service("worker"), "scale"));
        Assert.False(Service("worker").ContainsKey("ports")); // a host port would collide on the second replica
        Assert.Equal("${GOXEC_API_PORT:-8080}", Text(Service("api"), "ports", 0, "published"));
    }

    [Fact]
    public void Workers_get_the_hosts_engine_and_wait_for_a_healthy_redis()
    {
        var worker = Service("worker");
        Assert.Contains("/var/run/docker.sock:/var/run/docker.sock", List(worker, "volumes").Cast<string>());
        Assert.Contains("/sys/fs/cgroup:/host/sys/fs/cgroup", List(worker, "volumes").Cast<string>());
        Assert.Equal("service_healthy", Text(worker, "depends_on", "redis", "condition"));
        Assert.Equal("45s", Text(worker, "stop_grace_period"));
        Assert.Equal("512m", Text(worker, "mem_limit"));
        Assert.Contains("GET /health HTTP/1.0", Text(worker, "healthcheck", "test", 3));
    }

    [Fact]
    public void A_janitor_with_the_engine_is_stopped_after_every_worker()
    {
        var janitor = Service("janitor");
        Assert.Equal(["janitor"], List(janitor, "command").Cast<string>());
        Assert.StartsWith("goxec/worker:", Text(janitor, "image"));
        Assert.Contains("/var/run/docker.sock:/var/run/docker.sock", List(janitor, "volumes").Cast<string>());
        Assert.Equal("service_healthy", Text(janitor, "depends_on", "redis", "condition"));
        Assert.Contains("GET /health HTTP/1.0", Text(janitor, "healthcheck", "test", 3));
        Assert.Equal("1", Text(janitor, "scale"));
        // compose stops a service only after those that depend on it: the workers first, then the janitor.
        Assert.Equal("service_healthy", Text(Service("worker"), "depends_on", "janitor", "condition"));
    }

    [Fact]
    public void Redis_has_its_volume_and_the_password_reaches_its_shell_unexpanded()
    {
        var redis = Service("redis");
        Assert.Contains("redis-data:/data", List(redis, "volumes").Cast<string>());
        Assert.True(((Dictionary<object, object>)At(_files.Documents("docker-compose.yml")[0], "volumes")).ContainsKey("redis-data"));
        // $$ is compose's escape: the container's shell expands $REDIS_PASSWORD, compose must not.
        Assert.Contains("--requirepass \"$$REDIS_PASSWORD\"", Text(redis, "command", 2));
        Assert.Contains("--appendonly yes", Text(redis, "command", 2));
        Assert.Equal("secrets/redis.env", Text(redis, "env_file", 0));
        Assert.Equal(_files.Env("secrets/parameters.env")["redis-password"], _files.Env("secrets/redis.env")["REDIS_PASSWORD"]);
        Assert.DoesNotContain(_files.Env("secrets/parameters.env")["redis-password"], File.ReadAllText(_files.Path("docker-compose.yml")));
    }

    [Fact]
    public void The_api_lets_no_one_in_without_a_key_and_keeps_operator_views_for_the_admin()
    {
        var api = (Dictionary<object, object>)At(Service("api"), "environment");
        Assert.Equal("false", api["Gateway__AllowAnonymous"]);
        Assert.Equal("false", api["Gateway__OpenOperatorViews"]);
        Assert.Equal(48, _files.Env("secrets/api.env")["Gateway__AdminKey"].Length);
    }

    [Fact]
    public void An_api_with_several_replicas_is_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => PublishedFiles.Publish("compose", workers: 1, apiReplicas: 2, into: _files.Directory));
        Assert.Contains("one host port", error.Message);
    }

    [Fact]
    public void An_unknown_target_or_a_missing_tags_file_is_refused_naming_it()
    {
        Assert.Equal("The target must be one of compose, k8s, not 'swarm'.",
            Assert.Throws<ArgumentException>(() => Publisher.Publish([], "swarm", _files.Directory, null)).Message);
        Assert.Equal("Goxec:ImageTags: no file 'no-such-tags.env' (./goxec images --apps writes it).",
            Assert.Throws<ArgumentException>(() => Publisher.Publish([], "k8s", _files.Directory, "no-such-tags.env")).Message);
    }
}
