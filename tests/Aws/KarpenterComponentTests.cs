using System.Collections.Immutable;
using MlPlatform.Components.Aws;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Aws;

public class KarpenterComponentTests
{
    private static readonly ImmutableDictionary<string, string> NoTags = ImmutableDictionary<string, string>.Empty;

    private static KarpenterArgs Args(Resource ns) => new()
    {
        Namespace = "karpenter",
        NamespaceResource = ns,
        Controller = new KarpenterControllerSettings("ml", "ml-karpenter", "karpenter", 2, NoTags.Add(EksCluster.SystemNodeLabel, "system")),
        ServiceAccountAnnotations = new InputMap<string> { { IrsaRole.RoleArnAnnotation, Output.Create("arn:aws:iam::123456789012:role/karpenter") } },
        NodeClasses = [new KarpenterNodeClass("gpu", "ml", "ml-karpenter-node", NodeImageFamily.Al2023, "latest", 300, NoTags)],
        NodePools =
        [
            new KarpenterNodePool
            {
                Name = "gpu-inference", NodeClassName = "gpu", InstanceFamilies = ["g6"], CapacityTypes = ["spot", "on-demand"],
                GpusPerNode = 1, CpuLimit = 192, GpuLimit = 4, Taints = [new KarpenterTaint("nvidia.com/gpu", "present", "NoSchedule")],
            },
        ],
    };

    [Fact]
    public async Task Crds_then_controller_then_classes_and_pools()
    {
        var recorder = new OptionsRecorder();
        var mocks = await ComponentTest.RunAsync(() =>
        {
            var ns = new PlatformNamespace("karpenter", new PlatformNamespaceArgs { Name = "karpenter", PodSecurity = PodSecurityLevel.Restricted, Quota = NamespaceQuota.TeamDefault, ContainerDefaults = ContainerDefaults.PlatformDefault });
            _ = new Karpenter("karpenter", Args(ns), recorder.Options());
        });

        var releases = mocks.OfType("kubernetes:helm.sh/v3:Release").Select(r => r.Json()).ToList();
        Assert.Equal(new[] { "karpenter-crd", "karpenter" }, releases.Select(r => r["name"]!.GetValue<string>()));
        Assert.Equal(new[] { false, true }, releases.Select(r => r["skipCrds"]!.GetValue<bool>()));
        Assert.All(releases, r =>
        {
            Assert.Equal("1.14.1", r["version"]!.GetValue<string>());
            Assert.False(r["createNamespace"]!.GetValue<bool>());
        });

        Assert.Contains(await recorder.DependenciesOf("kubernetes:helm.sh/v3:Release", "karpenter-crd"), d => d.GetResourceName() == "karpenter");
        Assert.Contains(await recorder.DependenciesOf("kubernetes:helm.sh/v3:Release", "karpenter"), d => d.GetResourceName() == "karpenter-crd");
        var classDeps = await recorder.DependenciesOf("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-nodeclass-gpu");
        Assert.Contains(classDeps, d => d.GetResourceType() == "kubernetes:helm.sh/v3:Release" && d.GetResourceName() == "karpenter");
        var poolDeps = await recorder.DependenciesOf("kubernetes:karpenter.sh/v1:NodePool", "karpenter-nodepool-gpu-inference");
        Assert.Contains(poolDeps, d => d.GetResourceType() == "kubernetes:helm.sh/v3:Release" && d.GetResourceName() == "karpenter");
        Assert.Contains(poolDeps, d => d.GetResourceName() == "karpenter-nodeclass-gpu");
        var classOptions = recorder.Of("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-nodeclass-gpu");
        Assert.Equal(new[] { "spec.instanceProfile", "spec.role" }, classOptions.ReplaceOnChanges.Order(StringComparer.Ordinal));
        Assert.True(Assert.IsType<CustomResourceOptions>(classOptions).DeleteBeforeReplace);

        var pool = mocks.Inputs("kubernetes:karpenter.sh/v1:NodePool", "karpenter-nodepool-gpu-inference");
        Assert.Empty(CrdSchema.Problems("karpenter.sh", "v1", "NodePool", pool));
        var nodeClass = mocks.Inputs("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "karpenter-nodeclass-gpu");
        Assert.Empty(CrdSchema.Problems("karpenter.k8s.aws", "v1", "EC2NodeClass", nodeClass));
    }

    [Fact]
    public async Task A_pool_of_an_unknown_node_class_is_refused()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(() =>
        {
            var ns = new PlatformNamespace("karpenter", new PlatformNamespaceArgs { Name = "karpenter", PodSecurity = PodSecurityLevel.Restricted, Quota = NamespaceQuota.TeamDefault, ContainerDefaults = ContainerDefaults.PlatformDefault });
            var args = Args(ns);
            _ = new Karpenter("karpenter", new KarpenterArgs
            {
                Namespace = args.Namespace,
                NamespaceResource = ns,
                Controller = args.Controller,
                ServiceAccountAnnotations = args.ServiceAccountAnnotations,
                NodeClasses = args.NodeClasses,
                NodePools = [args.NodePools[0] with { NodeClassName = "missing" }],
            });
        }));
        Assert.Contains("unknown node class 'missing'", exception.ToString(), StringComparison.Ordinal);
    }
}
