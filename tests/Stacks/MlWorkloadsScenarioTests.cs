using System.Collections.Immutable;
using System.Text.Json;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi;
using Pulumi.Testing;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Stacks;

public class MlWorkloadsScenarioTests
{
    private static readonly HashSet<string> MlComponentTypes =
        [Kserve.TypeToken, Mlflow.TypeToken, ArgoWorkflows.TypeToken, ArgoCd.TypeToken];

    private static readonly ChartReference[] MlCharts =
        [VersionCatalog.KserveCrd, VersionCatalog.KserveResources, VersionCatalog.Mlflow, VersionCatalog.ArgoWorkflows, VersionCatalog.ArgoCd];

    private const string Release = "kubernetes:helm.sh/v3:Release";

    [Fact]
    public async Task Staging_plan_installs_the_ml_releases_with_their_pinned_versions()
    {
        var plan = await Scenario.StackFileAsync("staging");

        var releases = plan.OfType(Release)
            .Where(r => MlCharts.Any(c => c.ReleaseChart == r.Inputs["chart"]!.GetValue<string>()))
            .ToDictionary(r => r.Name, r => r.Inputs);
        Assert.Equal(["argo-workflows", "kserve-crd", "kserve-resources", "mlflow"], releases.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, chart) in new[]
        {
            ("kserve-crd", VersionCatalog.KserveCrd), ("kserve-resources", VersionCatalog.KserveResources),
            ("mlflow", VersionCatalog.Mlflow), ("argo-workflows", VersionCatalog.ArgoWorkflows),
        })
        {
            Assert.Equal(chart.ReleaseChart, releases[name]["chart"]!.GetValue<string>());
            Assert.Equal(chart.Version, releases[name]["version"]!.GetValue<string>());
            Assert.Equal(chart.Version, plan.Outputs["mlWorkloadCharts"]![chart.Name]!.GetValue<string>());
        }

        Assert.Equal("kserve", releases["kserve-resources"]["namespace"]!.GetValue<string>());
        Assert.Equal("mlflow", releases["mlflow"]["namespace"]!.GetValue<string>());
        Assert.Equal("argo", releases["argo-workflows"]["namespace"]!.GetValue<string>());
        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:80", plan.Outputs["mlflowTrackingUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Staging_serves_the_sample_model_on_its_gpu_pool()
    {
        var plan = await Scenario.StackFileAsync("staging");

        var isvc = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"));
        var predictor = isvc.Inputs["spec"]!["predictor"]!;
        Assert.Equal("inference", predictor["nodeSelector"]!["mlplatform.io/workload"]!.GetValue<string>());
        Assert.Equal("serving", isvc.Inputs["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Contains(predictor["containers"]![0]!["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "STORAGE_URI" && e["value"]!.GetValue<string>() == "hf://Qwen/Qwen2.5-0.5B-Instruct");

        // The pipeline trains on the pool labelled for training, not on the inference pool.
        var template = Assert.Single(plan.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"));
        var train = template.Inputs["spec"]!["templates"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "train")!;
        Assert.Equal("training", train["nodeSelector"]!["mlplatform.io/workload"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_model_server_and_pipeline_pod_is_pod_security_restricted()
    {
        var config = Scenario.Existing();
        config["nodePools"] = new[]
        {
            new { name = "gpu", role = "gpu", accelerator = "l4", min = 0, max = 2, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        };
        config["kserve"] = new { sampleModel = new { model = "a/stable", canaryModel = "a/next", canaryTrafficPercent = 5 } };

        var plan = await Scenario.RunAsync(config);

        var problems = new List<string>();
        foreach (var isvc in plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"))
        {
            // KServe builds a canary's pod from the stable predictor overlaid with the canary's fields.
            var stable = isvc.Inputs["spec"]!["predictor"]!;
            var predictors = new[] { stable }
                .Concat(isvc.Inputs["spec"]!["canary"]?.AsArray().Select(c => c!["predictor"]!) ?? []);
            foreach (var predictor in predictors)
            {
                problems.AddRange(RestrictedPodSecurity.Problems(stable, predictor["containers"]!.AsArray()!, isvc.Name));
            }
        }

        foreach (var template in plan.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"))
        {
            var spec = template.Inputs["spec"]!;
            foreach (var step in spec["templates"]!.AsArray().Where(t => t!["script"] is not null))
            {
                // Pod-level fields of an Argo step come from the workflow spec.
                problems.AddRange(RestrictedPodSecurity.Problems(spec, [step!["script"]!], $"{template.Name}.{step["name"]}"));
            }
        }

        Assert.Equal(2, plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService").Sum(i => 1 + (i.Inputs["spec"]!["canary"]?.AsArray().Count ?? 0)));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Production_runs_argo_highly_available()
    {
        var plan = await Scenario.StackFileAsync("production");

        var releases = plan.OfType(Release).ToDictionary(r => r.Name, r => r.Inputs);
        Assert.True(releases["argocd"]["values"]!["redis-ha"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(2, releases["argocd"]["values"]!["server"]!["replicas"]!.GetValue<long>());
        Assert.Equal(2, releases["argo-workflows"]["values"]!["controller"]!["replicas"]!.GetValue<long>());

        // Production runs on AWS: MLflow uses RDS and S3, so it scales out and keeps no volume of its own.
        Assert.Equal(2, releases["mlflow"]["values"]!["replicaCount"]!.GetValue<long>());
        Assert.Empty(plan.OfType("kubernetes:core/v1:PersistentVolumeClaim"));
    }

    [Fact]
    public async Task Disabled_add_ons_register_nothing()
    {
        var mocks = new Mock<PlanMocks>("us-east-1", FakeCloud.AccountId) { CallBase = true };
        var config = Scenario.Existing();
        config["addons"] = new { kserve = false, mlflow = false, argoWorkflows = false, argoCd = false };

        var plan = await Scenario.RunAsync(config, mocks.Object);

        var mlCharts = MlCharts.Select(c => c.ReleaseChart).ToHashSet();
        mocks.Verify(m => m.NewResourceAsync(It.Is<MockResourceArgs>(a => a.Type == Release && mlCharts.Contains((string)a.Inputs["chart"]))), Times.Never);
        mocks.Verify(m => m.NewResourceAsync(It.Is<MockResourceArgs>(a => MlComponentTypes.Contains(a.Type!))), Times.Never);
        mocks.Verify(m => m.NewResourceAsync(It.Is<MockResourceArgs>(a => a.Type!.StartsWith("kubernetes:argoproj.io"))), Times.Never);
        mocks.Verify(m => m.NewResourceAsync(It.Is<MockResourceArgs>(a => a.Type!.StartsWith("kubernetes:serving.kserve.io"))), Times.Never);
        Assert.Empty(plan.OfType("kubernetes:core/v1:PersistentVolumeClaim"));
        Assert.Empty(plan.Outputs["mlWorkloadCharts"]!.AsObject());
    }

    [Fact]
    public async Task Without_mlflow_the_pipeline_does_not_register_models()
    {
        var config = Scenario.Existing();
        config["addons"] = new { mlflow = false };

        var plan = await Scenario.RunAsync(config);

        Assert.DoesNotContain(plan.OfType(Release), r => r.Name == "mlflow");
        var template = Assert.Single(plan.OfType("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate"));
        Assert.DoesNotContain(template.Inputs["spec"]!["templates"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "register");
    }

    [Fact]
    public async Task Configured_application_and_canary_reach_the_plan()
    {
        var config = Scenario.Existing();
        config["teams"] = new[] { new { name = "team-a" } };
        config["nodePools"] = new[]
        {
            new { name = "gpu", role = "gpu", accelerator = "l4", min = 0, max = 2, taints = new[] { new { key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" } } },
        };
        config["kserve"] = new { sampleModel = new { model = "a/stable", canaryModel = "a/next", canaryTrafficPercent = 20 } };
        config["argoCd"] = new { application = new { repoUrl = "https://github.com/example/workloads.git", path = "apps", @namespace = "team-a", selfHeal = false } };

        var plan = await Scenario.RunAsync(config);

        var app = Assert.Single(plan.OfType("kubernetes:argoproj.io/v1alpha1:Application"));
        Assert.Equal("team-a", app.Inputs["spec"]!["destination"]!["namespace"]!.GetValue<string>());
        Assert.False(app.Inputs["spec"]!["syncPolicy"]!["automated"]!["selfHeal"]!.GetValue<bool>());
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "Application", app.Inputs));
        var isvc = Assert.Single(plan.OfType("kubernetes:serving.kserve.io/v1beta1:InferenceService"));
        Assert.Equal(20, isvc.Inputs["spec"]!["canary"]![0]!["trafficPercent"]!.GetValue<long>());
        Assert.Empty(CrdSchema.Problems("serving.kserve.io", "v1beta1", "InferenceService", isvc.Inputs));
    }

    [Fact]
    public async Task With_a_cloud_database_and_bucket_mlflow_is_wired_to_them_through_the_secret_store()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var config = Config("production", "aws", withApplication: true);
            var cloud = new CloudIntegration
            {
                ArtifactStoreUri = Output.Create("s3://mlplatform-prod-artifacts/mlflow"),
                Database = new DatabaseConnection(
                    Output.Create("mlflow.cluster-abc.eu-west-1.rds.amazonaws.com"), Output.Create(5432), "mlflow", "mlflow",
                    Output.Create("mlplatform/prod/mlflow-db"), Output.CreateSecret("never-in-values")),
                ServiceAccountAnnotations = ImmutableDictionary<string, InputMap<string>>.Empty
                    .Add("mlflow/mlflow", new InputMap<string> { ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::123456789012:role/mlflow" }),
            };
            var tenancy = new Tenancy("tenancy", TenancyPlan.Build(config, cloud));
            var certManager = HelmReleases.Create("cert-manager", VersionCatalog.CertManager, "cert-manager", new InputMap<object>(), new CustomResourceOptions());
            var store = new K8s.ApiExtensions.CustomResource("cloud-secrets", new KubernetesObjectArgs(
                "external-secrets.io/v1", "ClusterSecretStore", new Pulumi.Kubernetes.Types.Inputs.Meta.V1.ObjectMetaArgs { Name = "cloud-secrets" }));
            var gateway = new K8s.ApiExtensions.CustomResource("platform-gateway", new KubernetesObjectArgs(
                "gateway.networking.k8s.io/v1", "Gateway", new Pulumi.Kubernetes.Types.Inputs.Meta.V1.ObjectMetaArgs { Name = "platform", Namespace = "envoy-gateway-system" }));
            var services = new PlatformServices
            {
                CertManager = certManager,
                SecretStore = new SecretStoreReference("cloud-secrets", store),
                Gateway = new GatewayReference("platform", "envoy-gateway-system", gateway),
            };
            _ = MlWorkloadsLayer.Deploy(config, tenancy, services, cloud, new ComponentResourceOptions());
        });

        var values = DependencyRecorder.Json(mocks.Single(Release, "mlflow"))["values"]!;
        Assert.Equal("mlflow.cluster-abc.eu-west-1.rds.amazonaws.com", values["backendStore"]!["postgres"]!["host"]!.GetValue<string>());
        Assert.Equal("mlplatform-prod-artifacts", values["artifactRoot"]!["s3"]!["bucket"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/mlflow", values["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
        Assert.Equal(2, values["replicaCount"]!.GetValue<long>());
        Assert.DoesNotContain("never-in-values", DependencyRecorder.Json(mocks.Single(Release, "mlflow")).ToJsonString(), StringComparison.Ordinal);

        var externalSecret = DependencyRecorder.Json(mocks.Single("kubernetes:external-secrets.io/v1:ExternalSecret", "mlflow-database"));
        Assert.Equal("mlplatform/prod/mlflow-db", externalSecret["spec"]!["data"]![0]!["remoteRef"]!["key"]!.GetValue<string>());
        Assert.Equal("cloud-secrets", externalSecret["spec"]!["secretStoreRef"]!["name"]!.GetValue<string>());
        Assert.Empty(mocks.OfType("kubernetes:core/v1:Secret"));
        Assert.Empty(mocks.OfType("kubernetes:core/v1:PersistentVolumeClaim"));
        Assert.Single(mocks.OfType("kubernetes:policy/v1:PodDisruptionBudget"));

        Assert.True(graph.DependsOn(Release, "kserve-resources", Release, "cert-manager"));
        Assert.True(graph.DependsOn(Release, "kserve-crd", "mlplatform:kubernetes:PlatformNamespace", "kserve"));
        Assert.True(graph.DependsOn(Release, "mlflow", "mlplatform:kubernetes:PlatformNamespace", "mlflow"));
        Assert.True(graph.DependsOn("kubernetes:external-secrets.io/v1:ExternalSecret", "mlflow-database", "kubernetes:external-secrets.io/v1:ClusterSecretStore", "cloud-secrets"));
        var kserveValues = DependencyRecorder.Json(mocks.Single(Release, "kserve-resources"))["values"]!;
        Assert.True(graph.DependsOn("kubernetes:argoproj.io/v1alpha1:Application", "argo-cd-workloads", Release, "kserve-resources"));
        Assert.True(graph.DependsOn("kubernetes:argoproj.io/v1alpha1:Application", "argo-cd-workloads", Release, "argo-workflows"));
        Assert.True(graph.DependsOn("kubernetes:argoproj.io/v1alpha1:Application", "argo-cd-workloads", "mlplatform:kubernetes:PlatformNamespace", "team-a"));
        Assert.Equal("envoy-gateway-system/platform", kserveValues["kserve"]!["controller"]!["gateway"]!["ingressGateway"]!["kserveGateway"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_cloud_services_mlflow_falls_back_to_its_own_volume()
    {
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var config = Config("staging", "existing");
            var tenancy = new Tenancy("tenancy", TenancyPlan.Build(config, CloudIntegration.None));
            _ = MlWorkloadsLayer.Deploy(config, tenancy, new PlatformServices(), CloudIntegration.None, new ComponentResourceOptions());
        });

        var values = DependencyRecorder.Json(mocks.Single(Release, "mlflow"))["values"]!;
        Assert.StartsWith("/mlflow/data/", values["backendStore"]!["defaultSqlitePath"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(values["backendStore"]!["postgres"]);
        Assert.Single(mocks.OfType("kubernetes:core/v1:PersistentVolumeClaim"));
        Assert.Empty(mocks.OfType("kubernetes:external-secrets.io/v1:ExternalSecret"));
        Assert.Empty(mocks.OfType("kubernetes:core/v1:Secret"));
        Assert.Empty(mocks.OfType("kubernetes:policy/v1:PodDisruptionBudget"));
    }

    private static PlatformConfig Config(string environment, string cloud, bool withApplication = false)
    {
        var values = new Dictionary<string, object>
        {
            ["cloud"] = cloud,
            ["environment"] = environment,
            ["addons"] = new { argoCd = true },
            ["teams"] = new[] { new { name = "team-a" } },
        };
        if (withApplication)
        {
            values["argoCd"] = new { application = new { repoUrl = "ssh://git@git.example.com/ml/workloads.git", @namespace = "team-a" } };
        }

        if (cloud != "existing")
        {
            values["region"] = "eu-west-1";
        }

        if (cloud == "aws")
        {
            values["aws"] = new { adminRoleArns = new[] { "arn:aws:iam::123456789012:role/platform-admin" } };
        }

        return ConfigReader.Read(key => values.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null);
    }
}
