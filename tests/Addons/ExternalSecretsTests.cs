using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class ExternalSecretsTests
{
    private static readonly ChartReference Chart = VersionCatalog.ExternalSecrets;

    private static readonly ImmutableDictionary<string, string> Irsa =
        ImmutableDictionary<string, string>.Empty.Add("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/external-secrets");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_exists_in_the_chart_and_passes_its_schema(bool ha)
    {
        var values = Json.Of(ExternalSecrets.Values(new ExternalSecretsArgs { Namespace = "external-secrets", HighAvailability = ha }, Irsa));

        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
        Assert.Empty(ValuesSchema.Problems(Chart.Name, Chart.Version, values));
    }

    [Fact]
    public void Installs_crds_webhook_and_cert_controller_with_the_annotated_service_account()
    {
        var values = Json.Of(ExternalSecrets.Values(new ExternalSecretsArgs { Namespace = "external-secrets" }, Irsa));

        Assert.True(values["installCRDs"]!.GetValue<bool>());
        Assert.True(values["webhook"]!["create"]!.GetValue<bool>());
        Assert.True(values["certController"]!["create"]!.GetValue<bool>());
        Assert.Equal("external-secrets", values["serviceAccount"]!["name"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/external-secrets", values["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("aws-secrets-manager", "aws", "region", "eu-west-1")]
    [InlineData("azure-key-vault", "azurekv", "vaultUrl", "https://mlplatform.vault.azure.net")]
    [InlineData("gcp-secret-manager", "gcpsm", "projectID", "mlplatform-prod")]
    public void Cluster_secret_stores_are_valid_and_use_the_workload_identity(string kind, string providerKey, string setting, string value)
    {
        var provider = new SecretStoreProvider(kind, ImmutableDictionary<string, string>.Empty.Add(setting, value));
        var obj = Json.Object("external-secrets.io/v1", "ClusterSecretStore", ExternalSecrets.StoreName, null, ExternalSecrets.StoreSpec(provider, "external-secrets"));

        Assert.Empty(CrdSchema.Problems("external-secrets.io", "v1", "ClusterSecretStore", obj));
        var block = obj["spec"]!["provider"]![providerKey]!;
        Assert.Equal(value, block[setting]!.GetValue<string>());
        var serviceAccountRef = kind switch
        {
            "aws-secrets-manager" => block["auth"]!["jwt"]!["serviceAccountRef"]!,
            "azure-key-vault" => block["serviceAccountRef"]!,
            _ => block["auth"]!["workloadIdentity"]!["serviceAccountRef"]!,
        };
        Assert.Equal("external-secrets", serviceAccountRef["name"]!.GetValue<string>());
        Assert.Equal("external-secrets", serviceAccountRef["namespace"]!.GetValue<string>());
        if (kind == "aws-secrets-manager")
        {
            Assert.Equal("SecretsManager", block["service"]!.GetValue<string>());
        }

        if (kind == "azure-key-vault")
        {
            Assert.Equal("WorkloadIdentity", block["authType"]!.GetValue<string>());
        }
    }

    [Fact]
    public void A_store_without_its_required_setting_is_refused()
    {
        var provider = new SecretStoreProvider("aws-secrets-manager", ImmutableDictionary<string, string>.Empty);
        Assert.Throws<ArgumentException>(() => ExternalSecrets.StoreSpec(provider, "external-secrets"));
    }

    [Fact]
    public async Task The_store_waits_for_the_release_and_carries_the_cloud_settings()
    {
        var recorder = new TransformationDependencyRecorder();
        var mocks = await ComponentTest.RunAsync(() => _ = new ExternalSecrets("external-secrets", new ExternalSecretsArgs
        {
            Namespace = "external-secrets",
            ServiceAccountAnnotations = new InputMap<string> { ["eks.amazonaws.com/role-arn"] = Output.Create("arn:aws:iam::123456789012:role/eso") },
            StoreKind = "aws-secrets-manager",
            StoreSettings = ImmutableDictionary<string, Input<string>>.Empty.Add("region", Output.Create("us-east-1")),
        }, recorder.Options()));
        await recorder.ResolveAsync();

        var release = Json.Of(Assert.Single(mocks.OfType("kubernetes:helm.sh/v3:Release")).Inputs);
        Assert.Equal("external-secrets", release["chart"]!.GetValue<string>());
        Assert.Equal("2.9.0", release["version"]!.GetValue<string>());
        Assert.Equal("https://charts.external-secrets.io", release["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::123456789012:role/eso", release["values"]!["serviceAccount"]!["annotations"]!["eks.amazonaws.com/role-arn"]!.GetValue<string>());

        var store = Json.Of(Assert.Single(mocks.OfType("kubernetes:external-secrets.io/v1:ClusterSecretStore")).Inputs);
        Assert.Equal("us-east-1", store["spec"]!["provider"]!["aws"]!["region"]!.GetValue<string>());
        Assert.True(recorder.DependsOn("kubernetes:external-secrets.io/v1:ClusterSecretStore", "external-secrets-store", "kubernetes:helm.sh/v3:Release", "external-secrets"));
    }

    [Fact]
    public async Task Without_a_secret_service_no_store_is_created()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new ExternalSecrets("external-secrets", new ExternalSecretsArgs { Namespace = "external-secrets" }));

        Assert.Empty(mocks.OfType("kubernetes:external-secrets.io/v1:ClusterSecretStore"));
        Assert.Single(mocks.OfType("kubernetes:helm.sh/v3:Release"));
    }
}
