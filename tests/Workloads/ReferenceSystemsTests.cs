using System.Text.Json.Nodes;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Workloads;

/// <summary>The three reference systems plan cleanly and with the numbers of their references.</summary>
public class ReferenceSystemsTests
{
    private const string Deployment = "kubernetes:apps/v1:Deployment";
    private const string Hpa = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
    private const string Budget = "kubernetes:policy/v1:PodDisruptionBudget";
    private const string Policy = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

    private static JsonObject Object(PlanResult plan, string type, string ns, string name) =>
        plan.OfType(type).Single(r => r.Inputs["metadata"]?["namespace"]?.ToString() == ns && r.Inputs["metadata"]?["name"]?.ToString() == name).Inputs;

    private static IEnumerable<JsonObject> Objects(PlanResult plan, string type, string ns) =>
        plan.OfType(type).Where(r => r.Inputs["metadata"]?["namespace"]?.ToString() == ns).Select(r => r.Inputs);

    [Theory]
    [InlineData("kai")]
    [InlineData("model-catalog")]
    [InlineData("kube-mind")]
    public async Task Each_reference_system_plans_without_violations_and_states_what_it_reproduces(string stack)
    {
        var plan = await StackPlans.Of(stack);

        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
        // After the schema reference line, the file's first comment says what it reproduces.
        var first = File.ReadLines(Path.Combine(RepositoryPaths.Root, $"Pulumi.{stack}.yaml")).First(l => !l.StartsWith("# yaml-language-server:", StringComparison.Ordinal));
        Assert.StartsWith($"# Reference system \"{stack}\"", first, StringComparison.Ordinal);
        Assert.Contains("Reproduces", File.ReadAllText(Path.Combine(RepositoryPaths.Root, $"Pulumi.{stack}.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kai_has_its_quota_and_the_coordinator_numbers()
    {
        var plan = await StackPlans.Of("kai");

        var quota = Objects(plan, "kubernetes:core/v1:ResourceQuota", "kai-ml").Single()["spec"]!["hard"]!;
        Assert.Equal("100", quota["pods"]!.GetValue<string>());
        Assert.Equal("100", quota["requests.cpu"]!.GetValue<string>());
        Assert.Equal("200", quota["limits.cpu"]!.GetValue<string>());
        Assert.Equal("200Gi", quota["requests.memory"]!.GetValue<string>());
        Assert.Equal("400Gi", quota["limits.memory"]!.GetValue<string>());
        Assert.Equal("16", quota["requests.nvidia.com/gpu"]!.GetValue<string>());
        Assert.Null(quota["limits.nvidia.com/gpu"]);

        var coordinator = Object(plan, Deployment, "kai-ml", "coordinator")["spec"]!["template"]!["spec"]!;
        var resources = coordinator["containers"]![0]!["resources"]!;
        Assert.Equal("500m", resources["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1Gi", resources["requests"]!["memory"]!.GetValue<string>());
        Assert.Equal("2", resources["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("4Gi", resources["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("orchestration", coordinator["nodeSelector"]!["node-type"]!.GetValue<string>());

        var hpa = Object(plan, Hpa, "kai-ml", "coordinator")["spec"]!;
        Assert.Equal(3, hpa["minReplicas"]!.GetValue<long>());
        Assert.Equal(10, hpa["maxReplicas"]!.GetValue<long>());
        Assert.Equal(80, hpa["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]!.GetValue<long>());
        Assert.Equal(2, Object(plan, Budget, "kai-ml", "coordinator")["spec"]!["minAvailable"]!.GetValue<long>());

        var rule = Object(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role", "kai-ml", "coordinator")["rules"]![0]!;
        Assert.Equal(["workflows", "workflows/finalizers", "workflowtemplates"], rule["resources"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["create", "delete", "get", "list", "patch", "update", "watch"], rule["verbs"]!.AsArray().Select(r => r!.GetValue<string>()));

        foreach (var name in new[] { "coordinator", "distributed-processing", "mobile-optimization", "wasm-compiler" })
        {
            var annotations = Object(plan, Deployment, "kai-ml", name)["spec"]!["template"]!["metadata"]!["annotations"]!;
            Assert.Equal("8081", annotations["prometheus.io/port"]!.GetValue<string>());
            Assert.Single(plan.OfType(Budget), b => b.Inputs["metadata"]!["name"]!.GetValue<string>() == name);
        }

        Assert.Single(plan.OfType(Hpa), h => h.Inputs["metadata"]!["name"]!.GetValue<string>() == "mobile-optimization");
        Assert.Single(plan.OfType(Hpa), h => h.Inputs["metadata"]!["name"]!.GetValue<string>() == "wasm-compiler");
        Assert.Single(plan.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"), e => e.Inputs["metadata"]!["name"]!.GetValue<string>() == "distributed-processing-secrets");

        // The T4 pool's own taint is tolerated besides the GPU one.
        var mobile = Object(plan, Deployment, "kai-ml", "mobile-optimization")["spec"]!["template"]!["spec"]!;
        Assert.Equal(["node-type", "nvidia.com/gpu"], mobile["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
        Assert.Equal("nvidia-t4", mobile["nodeSelector"]!["gpu"]!.GetValue<string>());

        var cache = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "kai-cache").Inputs;
        Assert.Equal("valkey", cache["chart"]!.GetValue<string>());
        Assert.Equal(2, cache["values"]!["replica"]!["replicas"]!.GetValue<long>());
    }

    [Fact]
    public async Task Model_catalog_has_its_api_numbers_data_services_and_network_matrix()
    {
        var plan = await StackPlans.Of("model-catalog");

        var api = Object(plan, Deployment, "model-catalog", "api")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("2", api["resources"]!["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("4Gi", api["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal(8000, api["ports"]![0]!["containerPort"]!.GetValue<long>());
        var hpa = Object(plan, Hpa, "model-catalog", "api")["spec"]!;
        Assert.Equal((3L, 20L), (hpa["minReplicas"]!.GetValue<long>(), hpa["maxReplicas"]!.GetValue<long>()));
        Assert.Equal([("cpu", 70L), ("memory", 80L)], hpa["metrics"]!.AsArray().Select(m => (m!["resource"]!["name"]!.GetValue<string>(), m["resource"]!["target"]!["averageUtilization"]!.GetValue<long>())));

        var settings = Object(plan, "kubernetes:core/v1:ConfigMap", "model-catalog", "api-settings")["data"]!.AsObject();
        Assert.Equal(["DATABASE_URL", "LOG_LEVEL", "REDIS_URL"], settings.Select(s => s.Key).Order(StringComparer.Ordinal));
        var secret = Object(plan, "kubernetes:external-secrets.io/v1:ExternalSecret", "model-catalog", "api-secrets");
        Assert.Empty(CrdSchema.Problems("external-secrets.io", "v1", "ExternalSecret", secret));
        Assert.Equal(["API_KEYS", "DB_PASSWORD", "SECRET_KEY"], secret["spec"]!["data"]!.AsArray().Select(d => d!["secretKey"]!.GetValue<string>()));

        var cluster = Object(plan, "kubernetes:postgresql.cnpg.io/v1:Cluster", "data-storage", "catalog-db");
        Assert.Empty(CrdSchema.Problems("postgresql.cnpg.io", "v1", "Cluster", cluster));
        Assert.Equal(3, cluster["spec"]!["instances"]!.GetValue<long>());
        Assert.Equal("500Gi", cluster["spec"]!["storage"]!["size"]!.GetValue<string>());
        Assert.Equal("4", cluster["spec"]!["resources"]!["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("16Gi", cluster["spec"]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.True(cluster["spec"]!["backup"]!["barmanObjectStore"]!["s3Credentials"]!["inheritFromIAMRole"]!.GetValue<bool>());
        Assert.True(plan.OfType("kubernetes:postgresql.cnpg.io/v1:Cluster").Single().Protected);
        var backup = Object(plan, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", "data-storage", "catalog-db-nightly");
        Assert.Empty(CrdSchema.Problems("postgresql.cnpg.io", "v1", "ScheduledBackup", backup));
        var cache = plan.OfType("kubernetes:helm.sh/v3:Release").Single(r => r.Name == "catalog-cache").Inputs["values"]!;
        Assert.Equal(2, cache["replica"]!["replicas"]!.GetValue<long>());
        Assert.Empty(ChartValues.UnknownKeys("valkey", "0.11.0", cache));
        var pools = plan.OfType("kubernetes:karpenter.sh/v1:NodePool").Select(p => p.Inputs["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("gpu-a100-spot", pools);
        Assert.Contains("gpu-h100-spot", pools);
        Assert.Contains("gpu-l4-spot", pools);

        // The matrix: data-storage admits model-catalog (and the benchmark namespace) on the data ports only, and no role.
        var dataIngress = Objects(plan, Policy, "data-storage").Where(p => p["spec"]!["policyTypes"]!.AsArray().Any(t => t!.GetValue<string>() == "Ingress") && p["spec"]!["ingress"] is not null).ToList();
        var peers = dataIngress.SelectMany(p => p["spec"]!["ingress"]!.AsArray()).SelectMany(i => i!["from"]?.AsArray() ?? []).Select(f => f!["namespaceSelector"]?["matchLabels"]?.ToJsonString()).ToList();
        Assert.Contains(peers, p => p is not null && p.Contains("\"model-catalog\"", StringComparison.Ordinal));
        Assert.DoesNotContain(peers, p => p is not null && p.Contains("mlplatform.io/role", StringComparison.Ordinal) && !p.Contains("monitoring", StringComparison.Ordinal));
        var apiIngress = Objects(plan, Policy, "model-catalog").SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? []).SelectMany(i => i!["from"]?.AsArray() ?? []);
        Assert.Contains(apiIngress, f => f!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"]?.GetValue<string>() == "envoy-gateway-system");
        var gpuIngress = Objects(plan, Policy, "gpu-workloads").SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? []).SelectMany(i => i!["from"]?.AsArray() ?? []);
        Assert.Contains(gpuIngress, f => f!["namespaceSelector"]?["matchLabels"]?["mlplatform.io/role"]?.GetValue<string>() == "workflows");
    }

    [Fact]
    public async Task Kube_mind_scales_grpc_inference_on_load_with_fetched_weights_and_a_ten_percent_canary()
    {
        var plan = await StackPlans.Of("kube-mind");

        var pod = Object(plan, Deployment, "ai-inference-system", "inference")["spec"]!["template"]!["spec"]!;
        Assert.False(pod["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Equal("fetch-model", pod["initContainers"]![0]!["name"]!.GetValue<string>());
        Assert.Contains(pod["initContainers"]![0]!["env"]!.AsArray(), e => e!["value"]!.GetValue<string>().EndsWith(".safetensors", StringComparison.Ordinal));
        Assert.Equal("/ready", pod["containers"]![0]!["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(8080, pod["containers"]![0]!["readinessProbe"]!["httpGet"]!["port"]!.GetValue<long>());
        Assert.NotNull(pod["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]);
        Assert.Contains(pod["topologySpreadConstraints"]!.AsArray(), c => c!["topologyKey"]!.GetValue<string>() == "topology.kubernetes.io/zone");

        var scaled = Object(plan, "kubernetes:keda.sh/v1alpha1:ScaledObject", "ai-inference-system", "inference");
        Assert.Empty(CrdSchema.Problems("keda.sh", "v1alpha1", "ScaledObject", scaled));
        Assert.Contains("in_flight", scaled["spec"]!["triggers"]![0]!["metadata"]!["query"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(plan.OfType(Hpa), h => h.Inputs["metadata"]!["namespace"]!.GetValue<string>() == "ai-inference-system");

        var route = Object(plan, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "ai-inference-system", "inference");
        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "HTTPRoute", route));
        Assert.Equal([90L, 10L], route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray().Select(b => b!["weight"]!.GetValue<long>()));

        // No API-server egress from the inference namespace.
        var egress = Objects(plan, Policy, "ai-inference-system").Select(p => p["metadata"]!["name"]!.GetValue<string>());
        Assert.DoesNotContain(egress, n => n.Contains("api-server", StringComparison.Ordinal));

        Assert.All(new[] { "router", "planner" }, name => Assert.Equal("cpu", Object(plan, Hpa, "ai-orchestration", name)["spec"]!["metrics"]![0]!["resource"]!["name"]!.GetValue<string>()));
    }
}
