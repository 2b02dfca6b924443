using System.Text.Json.Nodes;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Xunit;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Tests.Addons;

public class ArgoCdTests
{
    private static readonly GitOpsApplication App = new()
    {
        Name = "workloads",
        RepoUrl = "https://github.com/example/ml-workloads.git",
        Path = "apps/staging",
        TargetRevision = "main",
        Namespace = "team-research",
        SelfHeal = false,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Values_exist_in_the_chart(bool highAvailability)
    {
        Assert.Empty(ChartValues.UnknownKeys("argo-cd", "10.1.1", DependencyRecorder.Json(ArgoCd.Values(highAvailability))));
    }

    [Fact]
    public void Production_uses_the_documented_ha_mode()
    {
        var values = DependencyRecorder.Json(ArgoCd.Values(highAvailability: true));

        Assert.True(values["redis-ha"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(1, values["controller"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, values["server"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, values["repoServer"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, values["applicationSet"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void Staging_runs_single_replicas_with_metrics_on()
    {
        var values = DependencyRecorder.Json(ArgoCd.Values(highAvailability: false));

        Assert.False(values["redis-ha"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(1, values["server"]!["replicas"]!.GetValue<int>());
        Assert.All(new[] { "controller", "server", "repoServer", "applicationSet" },
            component => Assert.True(values[component]!["metrics"]!["enabled"]!.GetValue<bool>()));
    }

    [Fact]
    public void Application_is_valid_against_the_crd()
    {
        var problems = CrdSchema.Problems("argoproj.io", "v1alpha1", "Application", new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Application",
            ["metadata"] = new JsonObject { ["name"] = "workloads", ["namespace"] = "argocd" },
            ["spec"] = DependencyRecorder.Json(App.Spec()),
        });

        Assert.Empty(problems);
    }

    [Fact]
    public void Application_syncs_automatically_with_the_configured_prune_and_self_heal()
    {
        var spec = DependencyRecorder.Json(App.Spec());

        Assert.Equal("https://github.com/example/ml-workloads.git", spec["source"]!["repoURL"]!.GetValue<string>());
        Assert.Equal("apps/staging", spec["source"]!["path"]!.GetValue<string>());
        Assert.Equal("main", spec["source"]!["targetRevision"]!.GetValue<string>());
        Assert.Equal("team-research", spec["destination"]!["namespace"]!.GetValue<string>());
        Assert.True(spec["syncPolicy"]!["automated"]!["prune"]!.GetValue<bool>());
        Assert.False(spec["syncPolicy"]!["automated"]!["selfHeal"]!.GetValue<bool>());
        Assert.Contains("CreateNamespace=false", spec["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public async Task Application_waits_for_argo_cd_and_its_destination()
    {
        var (mocks, graph) = await DependencyRecorder.RunAsync(() =>
        {
            var ns = new K8s.Core.V1.Namespace("argocd", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "argocd" } });
            var destination = new K8s.Core.V1.Namespace("team-research", new NamespaceArgs { Metadata = new ObjectMetaArgs { Name = "team-research" } });
            _ = new ArgoCd("argo-cd", new ArgoCdArgs { Namespace = "argocd", NamespaceReady = ns, Application = App, ApplicationReady = [destination] });
        });

        var release = DependencyRecorder.Json(mocks.Single(Types.Release, "argocd"));
        Assert.Equal("argo-cd", release["chart"]!.GetValue<string>());
        Assert.Equal("10.1.1", release["version"]!.GetValue<string>());
        Assert.Equal("https://argoproj.github.io/argo-helm", release["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("argocd", release["namespace"]!.GetValue<string>());
        Assert.True(graph.DependsOn(Types.Application, "argo-cd-workloads", Types.Release, "argocd"));
        Assert.True(graph.DependsOn(Types.Application, "argo-cd-workloads", Types.Namespace, "team-research"));

        var app = DependencyRecorder.Json(mocks.Single(Types.Application, "argo-cd-workloads"));
        Assert.Equal("argocd", app["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Empty(CrdSchema.Problems("argoproj.io", "v1alpha1", "Application", app));
    }
}
