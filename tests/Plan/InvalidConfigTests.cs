using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Moq;
using Pulumi.Testing;
using Xunit;

namespace MlPlatform.Tests.Plan;

public class InvalidConfigTests
{
    [Fact]
    public async Task Invalid_configuration_registers_no_resource_at_all()
    {
        var mocks = new Mock<PlanMocks>("us-east-1", FakeCloud.AccountId) { CallBase = true };
        var config = Scenario.Existing();
        config["environment"] = "qa";
        config["nodePools"] = new[] { new { name = "gpu", role = "gpu", min = 2, max = 1 } };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Scenario.RunAsync(config, mocks.Object));

        mocks.Verify(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()), Times.Never);
        mocks.Verify(m => m.CallAsync(It.IsAny<MockCallArgs>()), Times.Never);
        var message = error is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("mlplatform:environment: 'qa'", message, StringComparison.Ordinal);
        Assert.Contains("mlplatform:nodePools[0].accelerator", message, StringComparison.Ordinal);
        Assert.Contains("mlplatform:nodePools[0].max", message, StringComparison.Ordinal);
        Assert.Contains("mlplatform:nodePools[0].taints", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws", "us-east-1", "mlplatform:aws.adminRoleArns")]
    [InlineData("azure", "westeurope", "mlplatform:azure.adminGroupObjectIds")]
    [InlineData("gcp", "europe-west4", "mlplatform:gcp.projectId")]
    public async Task A_cloud_without_its_required_settings_fails_before_registering_anything(string cloud, string region, string key)
    {
        var mocks = new Mock<PlanMocks>(region, FakeCloud.AccountId) { CallBase = true };
        var config = Scenario.Existing();
        config["cloud"] = cloud;
        config["region"] = region;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Scenario.RunAsync(config, mocks.Object));

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
        mocks.Verify(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()), Times.Never);
    }
}
