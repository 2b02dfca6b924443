using System.Collections.Immutable;
using System.Text.Json;
using MlPlatform.Components.Aws;
using MlPlatform.Stacks.Aws;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;

namespace MlPlatform.Tests.Aws;

/// <summary>What the AWS layer hands the shared layers (<see cref="MlPlatform.Stacks.Shared.CloudIntegration"/>).</summary>
public class AwsIntegrationTests
{
    private static PlatformConfig Config(Dictionary<string, object>? addons = null, string identity = "irsa")
    {
        var values = new Dictionary<string, object>
        {
            ["cloud"] = "aws",
            ["environment"] = "production",
            ["region"] = "eu-west-1",
            ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/admin" }, ["nodeImage"] = "bottlerocket", ["identity"] = identity },
        };
        if (addons is not null)
        {
            values["addons"] = addons;
        }

        return ConfigReader.Read(key => values.TryGetValue(key, out var value) ? value as string ?? JsonSerializer.Serialize(value) : null);
    }

    [Fact]
    public async Task Integration_carries_storage_database_secret_store_identities_and_readiness()
    {
        AwsPlatform? platform = null;
        await ComponentTest.RunAsync(() => platform = AwsStack.Provision(Config(), "ml"));
        var integration = platform!.Integration;

        Assert.StartsWith("s3://ml-mlflow-", await integration.ArtifactStoreUri!.GetValueAsync(), StringComparison.Ordinal);
        var database = integration.Database!;
        Assert.EndsWith(".rds.amazonaws.com", await database.Host.GetValueAsync(), StringComparison.Ordinal);
        Assert.Equal(5432, await database.Port.GetValueAsync());
        Assert.Equal(("mlflow", "mlflow"), (database.DatabaseName, database.Username));
        Assert.Equal("ml/mlflow/database", await database.PasswordSecretName.GetValueAsync());
        Assert.True(await Output.IsSecretAsync(database.Password));

        Assert.Equal("aws-secrets-manager", integration.SecretStore!.Kind);
        Assert.Equal("eu-west-1", await integration.SecretStore.Settings["region"].ToOutput().GetValueAsync());

        Assert.Equal(new[] { "aws-load-balancer-controller/aws-load-balancer-controller", "external-secrets/external-secrets", "mlflow/mlflow" },
            integration.ServiceAccountAnnotations.Keys.Order(StringComparer.Ordinal));
        var mlflow = await integration.AnnotationsFor("mlflow", "mlflow").ToOutput().GetValueAsync();
        Assert.Equal("arn:aws:iam::123456789012:role/mlflow-irsa", mlflow[IrsaRole.RoleArnAnnotation]);
        var externalSecrets = await integration.AnnotationsFor("external-secrets", "external-secrets").ToOutput().GetValueAsync();
        Assert.Equal("arn:aws:iam::123456789012:role/external-secrets-irsa", externalSecrets[IrsaRole.RoleArnAnnotation]);

        Assert.True(integration.NodeImageHasGpuDriver);
        var ready = integration.ClusterReady.Select(r => r.GetResourceType()).ToList();
        Assert.Contains("aws:eks/nodeGroup:NodeGroup", ready);
        Assert.Equal(5, ready.Count(t => t == "aws:eks/addon:Addon"));
        Assert.Contains("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", ready);
        Assert.Contains("aws:eks/accessEntry:AccessEntry", ready);
        Assert.Single(integration.ClusterAddons);

        Assert.Equal("ml", await ((Output<string>)platform.Outputs["clusterName"]!).GetValueAsync());
    }

    [Fact]
    public async Task Without_external_secrets_no_secrets_role_is_made_or_annotated()
    {
        AwsPlatform? platform = null;
        var mocks = await ComponentTest.RunAsync(() => platform = AwsStack.Provision(Config(new() { ["externalSecrets"] = false }), "ml"));
        Assert.Equal(new[] { "aws-load-balancer-controller/aws-load-balancer-controller", "mlflow/mlflow" },
            platform!.Integration.ServiceAccountAnnotations.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(mocks.OfType("aws:iam/role:Role"), r => r.Name == "external-secrets-irsa");
    }

    [Theory]
    [InlineData("ml", "ml-mlflow-")]
    [InlineData("mlplatform-production", "mlplatform-production-mlflow-")]
    [InlineData("mlplatform-a-very-long-stack-name", "mlplatform-a-very-long-stack-name-ml-")]
    public void Bucket_prefix_fits_the_s3_limit(string cluster, string expected)
    {
        Assert.Equal(expected, AwsStack.BucketPrefix(cluster));
        Assert.True(AwsStack.BucketPrefix(cluster).Length <= 37);
    }

    [Fact]
    public async Task A_stack_name_that_cannot_name_aws_resources_is_refused()
    {
        var config = new Dictionary<string, object>
        {
            ["cloud"] = "aws",
            ["environment"] = "staging",
            ["region"] = "us-east-1",
            ["aws"] = new Dictionary<string, object> { ["adminRoleArns"] = new[] { "arn:aws:iam::123456789012:role/admin" } },
        };
        var mocks = new Infra.Plan.PlanMocks();
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => Scenario.RunAsync(config, mocks, stack: "Prod_EU"));
        Assert.Contains("stack name", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Registrations, r => r.Type?.StartsWith("aws:", StringComparison.Ordinal) == true);
    }
}
