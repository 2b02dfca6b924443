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

    [Fact]
    public async Task A_cloud_without_a_stack_yet_fails_before_registering_anything()
    {
        var mocks = new Mock<PlanMocks>("us-east-1", FakeCloud.AccountId) { CallBase = true };
        var config = Scenario.Existing();
        config["cloud"] = "azure";
        config["region"] = "westeurope";

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Scenario.RunAsync(config, mocks.Object));

        Assert.Contains("mlplatform:cloud", error.ToString(), StringComparison.Ordinal);
        mocks.Verify(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()), Times.Never);
    }
}
