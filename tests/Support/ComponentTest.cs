using MlPlatform.Infra.Plan;
using Pulumi;
using Pulumi.Testing;

namespace MlPlatform.Tests.Support;

/// <summary>Runs a few resource constructors under the mock engine and returns what was registered.</summary>
public static class ComponentTest
{
    /// <summary>Runs <paramref name="create"/> in a mock deployment (not a preview, so outputs are known).</summary>
    public static async Task<PlanMocks> RunAsync(Action create, PlanMocks? mocks = null)
    {
        mocks ??= new PlanMocks();
        await Deployment.TestAsync(mocks, new TestOptions { IsPreview = false }, create);
        return mocks;
    }
}
