using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Policies;
using MlPlatform.Stacks.Shared;
using MlPlatform.Tests.Aws;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Observability;

/// <summary>
/// Tetragon: chart values against the pinned chart, the four TracingPolicies against the real CRD with their
/// selectors, and on every stack file that runs it the release, its privileged namespace, the policies in exactly
/// the serving, workflow and team namespaces, the scrape target, the alerts and the log export.
/// </summary>
public class RuntimeSecurityTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private const string Release = "kubernetes:helm.sh/v3:Release";
    private const string Policy = "kubernetes:cilium.io/v1alpha1:TracingPolicyNamespaced";

    private static TetragonArgs Args() => new() { Namespace = "tetragon", PriorityClassName = "system-critical", PolicyNamespaces = ["serving", "team-a"] };

    [Fact]
    public void Every_tetragon_value_exists_in_tetragon_1_7_0()
    {
        var values = Json.Of(Tetragon.Values(Args()));

        Assert.Empty(ChartValues.UnknownKeys("tetragon", "1.7.0", values));
        Assert.Equal("stdout", values["export"]!["mode"]!.GetValue<string>());
        Assert.Equal("helm", values["crds"]!["installMethod"]!.GetValue<string>());
        Assert.True(values["tetragon"]!["prometheus"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(Tetragon.MetricsPort, values["tetragon"]!["prometheus"]!["port"]!.GetValue<int>());
        Assert.Equal("system-critical", values["priorityClassName"]!.GetValue<string>());
        Assert.Equal("system-critical", values["tetragonOperator"]!["priorityClassName"]!.GetValue<string>());
    }

    [Fact]
    public void The_four_policies_fit_the_real_crd_and_select_what_they_say()
    {
        Assert.Equal(
            [TetragonPolicies.SensitiveFiles, TetragonPolicies.ContainerEscape, TetragonPolicies.OutboundConnections, TetragonPolicies.SuspiciousExec],
            TetragonPolicies.All.Select(p => p.Name));
        foreach (var policy in TetragonPolicies.All)
        {
            var obj = Json.Object("cilium.io/v1alpha1", "TracingPolicyNamespaced", policy.Name, "serving", policy.Spec());
            Assert.Empty(CrdSchema.Problems("cilium.io", "v1alpha1", "TracingPolicyNamespaced", obj));
            Assert.True(KubernetesNames.IsDns1123Label(policy.Name));
        }

        JsonNode Spec(string name) => Json.Of(TetragonPolicies.All.Single(p => p.Name == name).Spec());
        string Calls(string name) => string.Join(",", Spec(name)["kprobes"]!.AsArray().Select(k => k!["call"]!.GetValue<string>()));

        var files = Spec(TetragonPolicies.SensitiveFiles).ToJsonString();
        foreach (var path in new[] { "/etc/shadow", "/.ssh/id_rsa", "/var/run/secrets/kubernetes.io/serviceaccount/" })
        {
            Assert.Contains(path, files, StringComparison.Ordinal);
        }

        Assert.Equal("security_file_permission,security_file_open", Calls(TetragonPolicies.SensitiveFiles));
        Assert.Equal("sys_ptrace,sys_setns", Calls(TetragonPolicies.ContainerEscape));
        Assert.All(Spec(TetragonPolicies.ContainerEscape)["kprobes"]!.AsArray(), k => Assert.True(k!["syscall"]!.GetValue<bool>()));
        Assert.All(Spec(TetragonPolicies.SensitiveFiles)["kprobes"]!.AsArray(), k => Assert.False(k!["syscall"]!.GetValue<bool>()));
        Assert.Equal("tcp_connect", Calls(TetragonPolicies.OutboundConnections));
        Assert.Contains("\"NotDAddr\"", Spec(TetragonPolicies.OutboundConnections).ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("security_bprm_check", Calls(TetragonPolicies.SuspiciousExec));
        var exec = Spec(TetragonPolicies.SuspiciousExec)["kprobes"]![0]!["selectors"]![0]!["matchArgs"]![0]!;
        Assert.Equal("Postfix", exec["operator"]!.GetValue<string>());
        Assert.Equal(["/wget", "/curl", "/nc", "/ncat", "/netcat"], exec["values"]!.AsArray().Select(v => v!.GetValue<string>()));

        // The two inference policies select the model server container of KServe's pods; the other two every pod.
        foreach (var policy in TetragonPolicies.All)
        {
            var spec = Json.Of(policy.Spec());
            var inference = policy.Name is TetragonPolicies.OutboundConnections or TetragonPolicies.SuspiciousExec;
            Assert.Equal(inference, policy.ModelServersOnly);
            Assert.Equal(inference ? "serving.kserve.io/inferenceservice" : null, spec["podSelector"]?["matchExpressions"]?[0]?["key"]?.GetValue<string>());
            Assert.Equal(inference ? "[\"kserve-container\"]" : null, spec["containerSelector"]?["matchExpressions"]?[0]?["values"]?.ToJsonString());
        }
    }

    [Fact]
    public void Every_policy_has_an_alert_on_its_events()
    {
        var rules = TetragonPolicies.Alerts().Rules;
        Assert.All(TetragonPolicies.All, p => Assert.Contains(rules, r => r.Expression.Contains($"policy=\"{p.Name}\"", StringComparison.Ordinal)));
        Assert.All(rules, r => Assert.StartsWith("sum by (namespace, workload, binary) (increase(tetragon_policy_events_total{", r.Expression, StringComparison.Ordinal));
        Assert.Equal(["SensitiveFileAccess", "ServiceAccountTokenRead", "ContainerEscapeAttempt", "InferenceOutboundConnection", "SuspiciousProcessInModelServer"], rules.Select(r => r.Name));
    }

    [Fact]
    public async Task The_component_creates_four_policies_per_namespace_after_the_release()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new Tetragon("tetragon", Args()));

        var release = mocks.Inputs(Release, "tetragon");
        Assert.Equal(("tetragon", "1.7.0", "https://helm.cilium.io", "tetragon"), (release["chart"]!.GetValue<string>(), release["version"]!.GetValue<string>(),
            release["repositoryOpts"]!["repo"]!.GetValue<string>(), release["namespace"]!.GetValue<string>()));
        var policies = mocks.OfType(Policy);
        Assert.Equal(8, policies.Count);
        Assert.Equal(["serving", "team-a"], policies.Select(p => p.Json()["metadata"]!["namespace"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.Equal(4, policies.Count(q => q.Json()["metadata"]!["namespace"]!.GetValue<string>() == p.Json()["metadata"]!["namespace"]!.GetValue<string>())));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Tetragon_watches_exactly_the_workload_namespaces(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var release = plan.OfType(Release).SingleOrDefault(r => r.Name == "tetragon");
        if (release is null)
        {
            Assert.Empty(plan.OfType(Policy));
            Assert.DoesNotContain(plan.OfType("kubernetes:core/v1:Namespace"), n => n.Name == "tetragon");
            return;
        }

        Assert.Equal((VersionCatalog.Tetragon.Name, VersionCatalog.Tetragon.Version, "tetragon"),
            (release.Inputs["chart"]!.GetValue<string>(), release.Inputs["version"]!.GetValue<string>(), release.Inputs["namespace"]!.GetValue<string>()));

        // Its namespace is privileged, and that is in the reviewed list.
        var ns = plan.Get("kubernetes:core/v1:Namespace", "tetragon").Inputs["metadata"]!["labels"]!;
        Assert.Equal("privileged", ns["pod-security.kubernetes.io/enforce"]!.GetValue<string>());
        Assert.True(PodSecurityExceptions.IsAllowed("tetragon", out _));

        // The four policies in every serving, workflow and team namespace, and nowhere else; each after the release.
        string[] roles = [.. RuntimeSecurityLayer.PolicyRoles.Select(AllowMatrix.RoleLabel)];
        var expected = plan.OfType("kubernetes:core/v1:Namespace")
            .Where(n => roles.Contains(n.Inputs["metadata"]!["labels"]?[PlatformLabels.Role]?.GetValue<string>()))
            .Select(n => n.Inputs["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        var policies = plan.OfType(Policy).ToList();
        Assert.Equal(expected, policies.Select(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal));
        foreach (var group in policies.GroupBy(p => p.Inputs["metadata"]!["namespace"]!.GetValue<string>()))
        {
            Assert.Equal(TetragonPolicies.All.Select(p => p.Name).Order(StringComparer.Ordinal),
                group.Select(p => p.Inputs["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        }

        Assert.All(policies, p => Assert.Contains(release.Urn, p.DependsOn));

        // Metrics scraped, alerts loaded, events printed for the node log collector.
        if (plan.OfType(Release).Any(r => r.Name == "kube-prometheus-stack"))
        {
            var monitor = plan.OfType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").Single(m => m.Inputs["metadata"]!["name"]!.GetValue<string>() == "tetragon");
            Assert.Equal("[\"tetragon\"]", monitor.Inputs["spec"]!["namespaceSelector"]!["matchNames"]!.ToJsonString());
            Assert.Equal("metrics", monitor.Inputs["spec"]!["endpoints"]![0]!["port"]!.GetValue<string>());
            var rules = plan.OfType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").Single(r => r.Inputs["metadata"]!["name"]!.GetValue<string>() == "mlplatform-runtime-security");
            Assert.Contains("tetragon_policy_events_total", rules.Inputs["spec"]!.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal("stdout", release.Inputs["values"]!["export"]!["mode"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_node_log_collector_ships_tetragons_events_where_both_run(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var releases = plan.OfType(Release).ToDictionary(r => r.Name);
        if (!releases.ContainsKey("tetragon") || !releases.TryGetValue("log-collector", out var collector))
        {
            return;
        }

        // The export-stdout container's log is a pod log like any other: the filelog preset reads every node's pods,
        // on every node whatever its taints, and nothing excludes the tetragon namespace.
        var values = collector.Inputs["values"]!;
        Assert.True(values["presets"]!["logsCollection"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("Exists", values["tolerations"]![0]!["operator"]!.GetValue<string>());
        Assert.DoesNotContain("tetragon", values.ToJsonString(), StringComparison.Ordinal);
    }
}
