using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;
using static MlPlatform.Tests.Kubernetes.PlatformNamespaceTests;

namespace MlPlatform.Tests.Kubernetes;

public class TenancyTests
{
    private static PlatformNamespaceArgs Namespace(string name) => new()
    {
        Name = name,
        Quota = NamespaceQuota.TeamDefault,
        ContainerDefaults = ContainerDefaults.TeamDefault,
    };

    [Fact]
    public async Task Inference_service_accounts_never_mount_an_api_token()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new Tenancy("tenancy", new TenancyArgs
        {
            Namespaces = [Namespace("serving"), Namespace("team-a"), Namespace("argo")],
            InferenceNamespaces = ["serving", "team-a"],
            InferenceAnnotations = ImmutableDictionary<string, InputMap<string>>.Empty
                .Add("serving", new InputMap<string> { ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::123456789012:role/inference" }),
        }));

        var accounts = mocks.OfType("kubernetes:core/v1:ServiceAccount");
        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, a =>
        {
            Assert.False((bool)a.Inputs["automountServiceAccountToken"]);
            Assert.Equal(Tenancy.InferenceServiceAccountName, Map(a.Inputs["metadata"])["name"]);
        });
        var serving = accounts.Single(a => (string)Map(a.Inputs["metadata"])["namespace"] == "serving");
        Assert.Equal("arn:aws:iam::123456789012:role/inference", Map(Map(serving.Inputs["metadata"])["annotations"])["eks.amazonaws.com/role-arn"]);
    }

    [Fact]
    public async Task Creates_every_namespace_and_the_priority_ladder()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new Tenancy("tenancy", new TenancyArgs
        {
            Namespaces = [Namespace("serving"), Namespace("team-a")],
        }));

        Assert.Equal(2, mocks.OfType(PlatformNamespace.TypeToken).Count);
        Assert.Equal(7, mocks.OfType("kubernetes:scheduling.k8s.io/v1:PriorityClass").Count);
        Assert.Empty(mocks.OfType("kubernetes:core/v1:ServiceAccount"));
    }

    [Fact]
    public async Task Inference_namespace_must_be_one_of_the_tenancy_namespaces()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(() => _ = new Tenancy("tenancy", new TenancyArgs
        {
            Namespaces = [Namespace("serving")],
            InferenceNamespaces = ["elsewhere"],
        })));
        Assert.Contains("Inference namespace 'elsewhere'", error.ToString(), StringComparison.Ordinal);
    }
}
