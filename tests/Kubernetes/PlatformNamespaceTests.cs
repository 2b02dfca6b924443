using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Kubernetes;

public class PlatformNamespaceTests
{
    private static readonly PlatformNamespaceArgs Args = new()
    {
        Name = "serving",
        PodSecurity = PodSecurityLevel.Restricted,
        Labels = ImmutableDictionary<string, string>.Empty
            .Add("app.kubernetes.io/part-of", "mlplatform")
            .Add(PlatformLabels.Role, "serving"),
        Quota = new NamespaceQuota("200", "64", "128", "256Gi", "512Gi", "16", "1Ti"),
        ContainerDefaults = new ContainerDefaults("100m", "128Mi", "1", "1Gi", "8", "32Gi"),
        AllowRules =
        [
            NetworkAllowRule.ForRoles("from-ingress", TrafficDirection.Ingress, "ingress"),
            new NetworkAllowRule { Name = "databases", Direction = TrafficDirection.Egress, Cidrs = ["10.0.0.0/16"], Ports = [new NetworkPort(5432)] },
        ],
    };

    [Fact]
    public async Task Namespace_carries_pod_security_labels_for_every_mode()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var metadata = Map(mocks.Single("kubernetes:core/v1:Namespace", "serving").Inputs["metadata"]);
        var labels = Map(metadata["labels"]);
        Assert.Equal("serving", metadata["name"]);
        foreach (var mode in new[] { "enforce", "warn", "audit" })
        {
            Assert.Equal("restricted", labels[$"pod-security.kubernetes.io/{mode}"]);
            Assert.Equal("latest", labels[$"pod-security.kubernetes.io/{mode}-version"]);
        }

        Assert.Equal("serving", labels[PlatformLabels.Role]);
    }

    [Fact]
    public async Task Quota_limits_pods_compute_gpus_and_storage()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var quota = mocks.Single("kubernetes:core/v1:ResourceQuota", "serving-quota").Inputs;
        Assert.Equal("serving", Map(quota["metadata"])["namespace"]);
        var hard = Map(Map(quota["spec"])["hard"]);
        Assert.Equal("200", hard["pods"]);
        Assert.Equal("64", hard["requests.cpu"]);
        Assert.Equal("128", hard["limits.cpu"]);
        Assert.Equal("256Gi", hard["requests.memory"]);
        Assert.Equal("512Gi", hard["limits.memory"]);
        Assert.Equal("16", hard["requests.nvidia.com/gpu"]);
        Assert.Equal("1Ti", hard["requests.storage"]);
    }

    [Fact]
    public async Task Limit_range_sets_container_defaults_and_maximums()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var spec = Map(mocks.Single("kubernetes:core/v1:LimitRange", "serving-limits").Inputs["spec"]);
        var item = Map(Assert.Single((ImmutableArray<object>)spec["limits"]));
        Assert.Equal("Container", item["type"]);
        Assert.Equal("100m", Map(item["defaultRequest"])["cpu"]);
        Assert.Equal("128Mi", Map(item["defaultRequest"])["memory"]);
        Assert.Equal("1", Map(item["default"])["cpu"]);
        Assert.Equal("1Gi", Map(item["default"])["memory"]);
        Assert.Equal("8", Map(item["max"])["cpu"]);
        Assert.Equal("32Gi", Map(item["max"])["memory"]);
    }

    [Fact]
    public async Task Default_deny_covers_ingress_and_egress_of_every_pod()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var policies = mocks.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        Assert.Equal(
            ["default-deny", "allow-dns", "allow-same-namespace", "allow-from-ingress", "allow-databases"],
            policies.Select(p => (string)Map(p.Inputs["metadata"])["name"]).ToArray());

        var deny = Map(policies[0].Inputs["spec"]);
        Assert.Empty(Map(deny["podSelector"]));
        Assert.Equal(["Ingress", "Egress"], ((ImmutableArray<object>)deny["policyTypes"]).Cast<string>().ToArray());
        Assert.False(deny.ContainsKey("ingress"));
        Assert.False(deny.ContainsKey("egress"));
    }

    [Fact]
    public async Task Dns_egress_goes_to_kube_system_on_port_53()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var spec = Map(mocks.Single("kubernetes:networking.k8s.io/v1:NetworkPolicy", "serving-allow-dns").Inputs["spec"]);
        var rule = Map(Assert.Single((ImmutableArray<object>)spec["egress"]));
        var peer = Map(Assert.Single((ImmutableArray<object>)rule["to"]));
        Assert.Equal("kube-system", Map(Map(peer["namespaceSelector"])["matchLabels"])[PlatformLabels.NamespaceName]);
        var ports = ((ImmutableArray<object>)rule["ports"]).Select(Map).Select(p => $"{p["protocol"]}/{p["port"]}").ToArray();
        Assert.Equal(["UDP/53", "TCP/53"], ports);
    }

    [Fact]
    public async Task Allow_rules_render_namespace_selectors_and_address_blocks()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        var fromIngress = Map(mocks.Single("kubernetes:networking.k8s.io/v1:NetworkPolicy", "serving-allow-from-ingress").Inputs["spec"]);
        Assert.Equal(["Ingress"], ((ImmutableArray<object>)fromIngress["policyTypes"]).Cast<string>().ToArray());
        var from = Map(Assert.Single((ImmutableArray<object>)Map(Assert.Single((ImmutableArray<object>)fromIngress["ingress"]))["from"]));
        Assert.Equal("ingress", Map(Map(from["namespaceSelector"])["matchLabels"])[PlatformLabels.Role]);

        var databases = Map(mocks.Single("kubernetes:networking.k8s.io/v1:NetworkPolicy", "serving-allow-databases").Inputs["spec"]);
        var egress = Map(Assert.Single((ImmutableArray<object>)databases["egress"]));
        Assert.Equal("10.0.0.0/16", Map(Map(Assert.Single((ImmutableArray<object>)egress["to"]))["ipBlock"])["cidr"]);
        Assert.Equal(5432d, Map(Assert.Single((ImmutableArray<object>)egress["ports"]))["port"]);
    }

    [Fact]
    public async Task Same_namespace_traffic_can_be_denied_too()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", new PlatformNamespaceArgs
        {
            Name = "serving",
            Quota = Args.Quota,
            ContainerDefaults = Args.ContainerDefaults,
            AllowSameNamespace = false,
        }));

        Assert.Equal(2, mocks.OfType("kubernetes:networking.k8s.io/v1:NetworkPolicy").Count);
        Assert.DoesNotContain(mocks.Registrations, r => r.Name == "serving-allow-same-namespace");
    }

    [Fact]
    public async Task Registers_one_component_and_its_children()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new PlatformNamespace("serving", Args));

        // Counted by type, not by position: the real SDK registers concurrently.
        Assert.Single(mocks.Registrations, r => r.Type == PlatformNamespace.TypeToken);
        Assert.Equal(1 + 1 + 1 + 1 + 5, mocks.Registrations.Count);
    }

    internal static ImmutableDictionary<string, object> Map(object value) => (ImmutableDictionary<string, object>)value;
}
