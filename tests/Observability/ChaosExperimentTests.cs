using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Tests.Configuration;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>
/// Chaos Mesh: chart values against the pinned chart, the five experiments against the real CRDs, and on every
/// stack file: present in staging, absent from production unless the stack sets <c>addons.chaos</c>, with the
/// dashboard never exposed outside the cluster and the daemon on the nodes' containerd socket.
/// </summary>
public class ChaosExperimentTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private const string Release = "kubernetes:helm.sh/v3:Release";
    private const string Schedule = "kubernetes:chaos-mesh.org/v1alpha1:Schedule";

    private static ChaosMeshArgs Args() => new() { Namespace = "chaos-mesh", ScheduleNamespace = "chaos-mesh", ServingNamespace = "serving", PriorityClassName = "system-critical" };

    [Fact]
    public void Every_chaos_mesh_value_exists_in_chaos_mesh_2_8_3()
    {
        var values = Json.Of(ChaosMesh.Values(Args()));

        Assert.Empty(ChartValues.UnknownKeys("chaos-mesh", "2.8.3", values));
        Assert.Empty(ValuesSchema.Problems("chaos-mesh", "2.8.3", values));
        Assert.Equal("ClusterIP", values["dashboard"]!["service"]!["type"]!.GetValue<string>());
        Assert.True(values["dashboard"]!["securityMode"]!.GetValue<bool>());
        Assert.Equal(("containerd", "/run/containerd/containerd.sock"),
            (values["chaosDaemon"]!["runtime"]!.GetValue<string>(), values["chaosDaemon"]!["socketPath"]!.GetValue<string>()));
        Assert.Equal(1, values["controllerManager"]!["replicaCount"]!.GetValue<long>());
    }

    [Fact]
    public void The_five_experiments_fit_the_real_crds_and_aim_at_predictors()
    {
        var experiments = ChaosExperiments.For("serving");
        Assert.Equal(
            [("PodChaos", "pod-failure"), ("NetworkChaos", "delay"), ("NetworkChaos", "partition"), ("StressChaos", null), ("StressChaos", null)],
            experiments.Select(e => (e.Kind, e.Chaos.TryGetValue("action", out var a) ? (string?)a : null)));
        foreach (var experiment in experiments)
        {
            var schedule = Json.Object("chaos-mesh.org/v1alpha1", "Schedule", experiment.Name, "chaos-mesh", experiment.ScheduleSpec());
            Assert.Empty(CrdSchema.Problems("chaos-mesh.org", "v1alpha1", "Schedule", schedule));

            // The embedded spec also fits the kind's own CRD, as the Schedule's runs create it.
            var run = Json.Object("chaos-mesh.org/v1alpha1", experiment.Kind, experiment.Name, "chaos-mesh", experiment.Chaos);
            Assert.Empty(CrdSchema.Problems("chaos-mesh.org", "v1alpha1", experiment.Kind, run));

            var selector = Json.Of(experiment.Chaos)["selector"]!;
            Assert.Equal("[\"serving\"]", selector["namespaces"]!.ToJsonString());
            Assert.Equal("predictor", selector["labelSelectors"]!["component"]!.GetValue<string>());
            Assert.Equal("Forbid", schedule["spec"]!["concurrencyPolicy"]!.GetValue<string>());
        }

        var podFailure = experiments[0].Chaos;
        Assert.Equal(("one", "30s"), ((string)podFailure["mode"], (string)podFailure["duration"]));
        Assert.Contains("cpu", Json.Of(experiments[3].Chaos)["stressors"]!.AsObject().Select(s => s.Key));
        Assert.Contains("memory", Json.Of(experiments[4].Chaos)["stressors"]!.AsObject().Select(s => s.Key));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Chaos_runs_in_staging_and_never_silently_in_production(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var config = StackConfigFile.Load(RepositoryPaths.Root, stack);
        var environment = config.Values.GetValueOrDefault("mlplatform:environment");
        var explicitlyOn = config.Values.GetValueOrDefault("mlplatform:addons") is { } addons && JsonNode.Parse(addons)?["chaos"]?.GetValue<bool>() == true;
        var release = plan.OfType(Release).SingleOrDefault(r => r.Name == "chaos-mesh");
        var schedules = plan.OfType(Schedule).ToList();

        if (environment == "production" && !explicitlyOn)
        {
            Assert.Null(release);
            Assert.Empty(schedules);
            Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:Namespace"), n => n.Name == "chaos-mesh");
            return;
        }

        if (environment == "staging" && plan.OfType("kubernetes:core/v1:Namespace").Any(n => n.Name == "serving"))
        {
            Assert.NotNull(release);
        }

        if (release is null)
        {
            Assert.Empty(schedules);
            return;
        }

        Assert.Equal((VersionCatalog.ChaosMesh.Name, VersionCatalog.ChaosMesh.Version, "chaos-mesh"),
            (release.Inputs["chart"]!.GetValue<string>(), release.Inputs["version"]!.GetValue<string>(), release.Inputs["namespace"]!.GetValue<string>()));
        var values = release.Inputs["values"]!;
        Assert.Equal("ClusterIP", values["dashboard"]!["service"]!["type"]!.GetValue<string>());
        Assert.True(values["dashboard"]!["securityMode"]!.GetValue<bool>());
        Assert.Equal(ChaosMesh.ContainerdSocket, values["chaosDaemon"]!["socketPath"]!.GetValue<string>());
        Assert.Equal(ChaosExperiments.For("serving").Select(e => e.Name).Order(StringComparer.Ordinal),
            schedules.Select(s => s.Inputs["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(schedules, s => Assert.Contains(release.Urn, s.DependsOn));

        // Nothing of Chaos Mesh is reachable from outside the cluster.
        Assert.DoesNotContain(plan.OfType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"), r => r.Inputs.ToJsonString().Contains("chaos", StringComparison.Ordinal));
        var ns = plan.Get("kubernetes:core/v1:Namespace", "chaos-mesh").Inputs["metadata"]!["labels"]!;
        Assert.Equal("privileged", ns["pod-security.kubernetes.io/enforce"]!.GetValue<string>());
        Assert.True(PodSecurityExceptions.IsAllowed("chaos-mesh", out _));
    }

    [Fact]
    public async Task Production_runs_chaos_only_when_set_and_the_gate_passes()
    {
        var production = Scenario.Existing("production");
        var plan = await Scenario.RunAsync(production);
        Assert.Empty(plan.OfType(Schedule));

        production["addons"] = new Dictionary<string, object> { ["chaos"] = true };
        plan = await Scenario.RunAsync(production);
        Assert.Equal(5, plan.OfType(Schedule).Count());
        Assert.Empty(PlanRules.Check(plan.ToPolicyItems()));
    }

    [Fact]
    public void Chaos_needs_kserve()
    {
        var problems = ConfigFixture.Valid().Set("addons", new Dictionary<string, object> { ["kserve"] = false, ["chaos"] = true }).Problems();
        Assert.Contains(problems, p => p.Key == "mlplatform:addons.chaos");

        // In staging without KServe the default is off rather than a problem.
        var staging = ConfigFixture.Valid(environment: "staging").Set("addons", new Dictionary<string, object> { ["kserve"] = false }).Read();
        Assert.False(staging.Addons.Chaos);
        Assert.True(ConfigFixture.Valid(environment: "staging").Read().Addons.Chaos);
        Assert.False(ConfigFixture.Valid(environment: "development").Read().Addons.Chaos);
        Assert.False(ConfigFixture.Valid(environment: "production").Read().Addons.Chaos);
        Assert.True(ConfigFixture.Valid(environment: "production").Set("addons", new Dictionary<string, object> { ["chaos"] = true }).Read().Addons.Chaos);
    }
}
