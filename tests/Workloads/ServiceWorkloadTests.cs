using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Workloads;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Workloads;

public class ServiceWorkloadTests
{
    private const string Deployment = "kubernetes:apps/v1:Deployment";
    private const string StatefulSet = "kubernetes:apps/v1:StatefulSet";
    private const string Service = "kubernetes:core/v1:Service";

    private static ServiceWorkloadArgs Api() => new()
    {
        Name = "api",
        Namespace = "model-catalog",
        Image = "ghcr.io/acme/api",
        ImageTag = "1.4.2",
        Ports = [new("http", 8000)],
        Resources = new("2", "4Gi", "2", "4Gi"),
        Scaling = new ResourceScaling(3, 20, CpuUtilization: 70, MemoryUtilization: 80),
        Settings = ImmutableDictionary<string, string>.Empty.Add("LOG_LEVEL", "info"),
        Secrets = new ExternalWorkloadSecrets("platform", ImmutableDictionary<string, string>.Empty.Add("DB_PASSWORD", "model-catalog/db-password")),
        Metrics = new WorkloadMetrics(8081) { PodMonitor = true },
    };

    private static Task<PlanMocks> Run(ServiceWorkloadArgs args) => ComponentTest.RunAsync(() => _ = new ServiceWorkload(args.Name, args));

    [Fact]
    public async Task A_service_gets_a_deployment_a_clusterip_service_and_a_tokenless_service_account()
    {
        var mocks = await Run(Api());

        var deployment = mocks.Inputs(Deployment, "api");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("ghcr.io/acme/api:1.4.2", container["image"]!.GetValue<string>());
        Assert.Equal("api", pod["serviceAccountName"]!.GetValue<string>());
        Assert.False(pod["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.False(mocks.Inputs("kubernetes:core/v1:ServiceAccount", "api")["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Empty(mocks.OfType("kubernetes:rbac.authorization.k8s.io/v1:Role"));

        // The HPA owns the replica count.
        Assert.Null(deployment["spec"]!["replicas"]);
        Assert.Equal(0, deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<long>());

        var service = mocks.Inputs(Service, "api")["spec"]!;
        Assert.Equal("ClusterIP", service["type"]!.GetValue<string>());
        Assert.Null(service["clusterIP"]);
        Assert.Equal(8000, service["ports"]![0]!["port"]!.GetValue<long>());
        Assert.Equal("stable", service["selector"]!["mlplatform.io/track"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requests_and_limits_probes_and_the_restricted_profile_are_always_set()
    {
        var mocks = await Run(Api() with { Probes = new WorkloadProbes { StartupSeconds = 300 } });

        var pod = mocks.Inputs(Deployment, "api")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("2", container["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("4Gi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("/healthz", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/ready", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(30, container["startupProbe"]!["failureThreshold"]!.GetValue<long>());
        Assert.Empty(RestrictedPodSecurity.Problems(pod, [container], "pod"));
        Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Equal("/tmp", container["volumeMounts"]![0]!["mountPath"]!.GetValue<string>());
        Assert.Equal("interactive", pod["priorityClassName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Settings_go_to_a_config_map_and_secrets_to_an_external_secret_never_to_env_literals()
    {
        var mocks = await Run(Api());

        var configMap = mocks.Inputs("kubernetes:core/v1:ConfigMap", "api-settings");
        Assert.Equal("info", configMap["data"]!["LOG_LEVEL"]!.GetValue<string>());
        Assert.Null(configMap["data"]!["DB_PASSWORD"]);

        var external = mocks.Inputs("kubernetes:external-secrets.io/v1:ExternalSecret", "api-secrets");
        Assert.Empty(CrdSchema.Problems("external-secrets.io", "v1", "ExternalSecret", external));
        Assert.Equal("model-catalog/db-password", external["spec"]!["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());

        var container = mocks.Inputs(Deployment, "api")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Null(container["env"]);
        var envFrom = container["envFrom"]!.AsArray();
        Assert.Equal("api-settings", envFrom[0]!["configMapRef"]!["name"]!.GetValue<string>());
        Assert.Equal("api-secrets", envFrom[1]!["secretRef"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Managed_secrets_are_a_kubernetes_secret_of_pulumi_secrets()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new ServiceWorkload("api", Api() with
        {
            Secrets = new ManagedWorkloadSecrets(ImmutableDictionary<string, Output<string>>.Empty.Add("SECRET_KEY", Output.CreateSecret("s3cr3t"))),
        }));

        var secret = mocks.Single("kubernetes:core/v1:Secret", "api-secrets");
        Assert.Equal("Opaque", secret.Inputs["type"]);
        Assert.Empty(mocks.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"));
    }

    [Fact]
    public async Task Cpu_and_memory_targets_become_an_autoscaling_v2_hpa()
    {
        var mocks = await Run(Api());

        var hpa = mocks.Inputs("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api")["spec"]!;
        Assert.Equal(3, hpa["minReplicas"]!.GetValue<long>());
        Assert.Equal(20, hpa["maxReplicas"]!.GetValue<long>());
        Assert.Equal("Deployment", hpa["scaleTargetRef"]!["kind"]!.GetValue<string>());
        var metrics = hpa["metrics"]!.AsArray();
        Assert.Equal(70, metrics.Single(m => m!["resource"]!["name"]!.GetValue<string>() == "cpu")!["resource"]!["target"]!["averageUtilization"]!.GetValue<long>());
        Assert.Equal(80, metrics.Single(m => m!["resource"]!["name"]!.GetValue<string>() == "memory")!["resource"]!["target"]!["averageUtilization"]!.GetValue<long>());
    }

    [Fact]
    public async Task Availability_is_a_budget_and_a_spread_over_hosts_and_zones()
    {
        var mocks = await Run(Api() with { Availability = new WorkloadAvailability { MinAvailable = 2 } });

        var budget = mocks.Inputs("kubernetes:policy/v1:PodDisruptionBudget", "api")["spec"]!;
        Assert.Equal(2, budget["minAvailable"]!.GetValue<long>());
        Assert.Null(budget["maxUnavailable"]);
        Assert.Equal("api", budget["selector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());

        var spread = mocks.Inputs(Deployment, "api")["spec"]!["template"]!["spec"]!["topologySpreadConstraints"]!.AsArray();
        Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], spread.Select(s => s!["topologyKey"]!.GetValue<string>()));
        Assert.Equal("DoNotSchedule", spread[0]!["whenUnsatisfiable"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scrape_annotations_and_a_pod_monitor_that_fits_the_crd()
    {
        var mocks = await Run(Api());

        var annotations = mocks.Inputs(Deployment, "api")["spec"]!["template"]!["metadata"]!["annotations"]!;
        Assert.Equal("true", annotations["prometheus.io/scrape"]!.GetValue<string>());
        Assert.Equal("8081", annotations["prometheus.io/port"]!.GetValue<string>());
        Assert.Equal("/metrics", annotations["prometheus.io/path"]!.GetValue<string>());
        var monitor = mocks.Inputs("kubernetes:monitoring.coreos.com/v1:PodMonitor", "api-metrics");
        Assert.Empty(CrdSchema.Problems("monitoring.coreos.com", "v1", "PodMonitor", monitor));
    }

    [Fact]
    public async Task Declared_api_access_mounts_the_token_and_binds_a_role_with_exactly_those_rules()
    {
        var rule = new ApiAccessRule(["argoproj.io"], ["workflows", "workflows/finalizers", "workflowtemplates"], ["create", "delete", "get", "list", "patch", "update", "watch"]);
        var mocks = await Run(Api() with { ApiAccess = [rule] });

        var role = mocks.Inputs("kubernetes:rbac.authorization.k8s.io/v1:Role", "api");
        var rules = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["workflows", "workflows/finalizers", "workflowtemplates"], rules["resources"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(7, rules["verbs"]!.AsArray().Count);
        var binding = mocks.Inputs("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "api");
        Assert.Equal("api", binding["subjects"]![0]!["name"]!.GetValue<string>());
        Assert.True(mocks.Inputs(Deployment, "api")["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_grpc_gpu_service_with_event_scaling_fetched_weights_and_a_canary()
    {
        var args = Api() with
        {
            Name = "inference",
            Ports = [new("rpc", 50051, PortProtocol.Grpc)],
            Resources = new("4", "16Gi", "8", "32Gi", Gpus: 1),
            Placement = new WorkloadPlacement(ImmutableDictionary<string, string>.Empty.Add("pool", "gpu")) { Tolerations = [new PodToleration("spot", "NoSchedule")] },
            Scaling = new EventScaling(2, 8, "http://prometheus:9090", "sum(grpc_server_in_flight)", "16"),
            Availability = new WorkloadAvailability { RequiredAntiAffinity = true },
            Probes = new WorkloadProbes { LivenessPath = null, ReadinessPath = "/v1/ready", StartupSeconds = 600 },
            ModelFetch = new ModelFetch("ghcr.io/acme/fetch:0.3.1", "s3://weights/model.safetensors") { Medium = EmptyDirMedium.Memory },
            Canary = new WorkloadCanary("1.5.0-rc1", 10, "platform", "envoy-gateway-system"),
        };
        var mocks = await Run(args);

        var pod = mocks.Inputs(Deployment, "inference")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("1", container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("grpc", container["ports"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(50051, container["livenessProbe"]!["grpc"]!["port"]!.GetValue<long>());
        Assert.Equal("gpu", pod["nodeSelector"]!["pool"]!.GetValue<string>());
        Assert.Equal(["nvidia.com/gpu", "spot"], pod["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
        Assert.Equal("kubernetes.io/hostname", pod["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]![0]!["topologyKey"]!.GetValue<string>());
        var init = pod["initContainers"]![0]!;
        Assert.Equal("s3://weights/model.safetensors", init["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "MODEL_SOURCE")!["value"]!.GetValue<string>());
        Assert.Equal("Memory", pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == WorkloadPodTemplate.ModelVolume)!["emptyDir"]!["medium"]!.GetValue<string>());
        Assert.Empty(RestrictedPodSecurity.Problems(pod, [container, init], "pod"));

        var service = mocks.Inputs(Service, "inference")["spec"]!["ports"]![0]!;
        Assert.Equal("grpc", service["name"]!.GetValue<string>());
        Assert.Equal("kubernetes.io/h2c", service["appProtocol"]!.GetValue<string>());

        var scaled = mocks.Inputs("kubernetes:keda.sh/v1alpha1:ScaledObject", "inference");
        Assert.Empty(CrdSchema.Problems("keda.sh", "v1alpha1", "ScaledObject", scaled));
        Assert.Equal("sum(grpc_server_in_flight)", scaled["spec"]!["triggers"]![0]!["metadata"]!["query"]!.GetValue<string>());
        Assert.Empty(mocks.OfType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"));

        var canary = mocks.Inputs(Deployment, "inference-canary");
        Assert.Equal("ghcr.io/acme/api:1.5.0-rc1", canary["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("canary", canary["spec"]!["selector"]!["matchLabels"]!["mlplatform.io/track"]!.GetValue<string>());
        var route = mocks.Inputs("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "inference-route");
        Assert.Empty(CrdSchema.Problems("gateway.networking.k8s.io", "v1", "HTTPRoute", route));
        var backends = route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();
        Assert.Equal([("inference", 90L), ("inference-canary", 10L)], backends.Select(b => (b!["name"]!.GetValue<string>(), b["weight"]!.GetValue<long>())));
    }

    [Fact]
    public async Task Per_replica_storage_makes_a_statefulset_with_a_headless_service_and_shared_storage_a_protected_rwx_claim()
    {
        var mocks = await Run(Api() with
        {
            Scaling = null,
            Replicas = 3,
            Volumes =
            [
                new("data", "/data", "100Gi") { StorageClassName = "fast-ssd" },
                new("datasets", "/datasets", "1Ti", VolumeSharing.Shared),
            ],
        });

        Assert.Empty(mocks.OfType(Deployment));
        var set = mocks.Inputs(StatefulSet, "api")["spec"]!;
        Assert.Equal(3, set["replicas"]!.GetValue<long>());
        var template = set["volumeClaimTemplates"]![0]!["spec"]!;
        Assert.Equal("fast-ssd", template["storageClassName"]!.GetValue<string>());
        Assert.Equal("ReadWriteOnce", template["accessModes"]![0]!.GetValue<string>());
        Assert.Equal("None", mocks.Inputs(Service, "api")["spec"]!["clusterIP"]!.GetValue<string>());

        var claim = mocks.Inputs("kubernetes:core/v1:PersistentVolumeClaim", "api-datasets")["spec"]!;
        Assert.Equal("ReadWriteMany", claim["accessModes"]![0]!.GetValue<string>());

        // No class named: the cluster default.
        Assert.Null(claim["storageClassName"]);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("")]
    public async Task An_unpinned_image_is_refused_before_anything_is_registered(string tag)
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Run(Api() with { ImageTag = tag }));
    }
}
