using MlPlatform.Components.Addons;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Addons;

public class GpuOperatorTests
{
    private static readonly ChartReference Chart = VersionCatalog.GpuOperator;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_exists_in_the_chart(bool nodeImageHasDriver)
    {
        var values = Json.Of(GpuOperator.Values(new GpuOperatorArgs { Namespace = "gpu-operator", NodeImageHasDriver = nodeImageHasDriver }));
        Assert.Empty(ChartValues.UnknownKeys(Chart.Name, Chart.Version, values));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Installs_driver_and_toolkit_only_where_the_node_image_lacks_them(bool nodeImageHasDriver, bool installs)
    {
        var values = Json.Of(GpuOperator.Values(new GpuOperatorArgs { Namespace = "gpu-operator", NodeImageHasDriver = nodeImageHasDriver }));

        Assert.Equal(installs, values["driver"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(installs, values["toolkit"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Dcgm_exporter_is_on_and_scraped_once_by_the_platform_monitor()
    {
        var values = Json.Of(GpuOperator.Values(new GpuOperatorArgs { Namespace = "gpu-operator" }));

        Assert.True(values["dcgmExporter"]!["enabled"]!.GetValue<bool>());
        Assert.False(values["dcgmExporter"]!["serviceMonitor"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Daemonsets_tolerate_the_gpu_taint()
    {
        var toleration = Json.Of(GpuOperator.Values(new GpuOperatorArgs { Namespace = "gpu-operator" }))["daemonsets"]!["tolerations"]![0]!;

        Assert.Equal("nvidia.com/gpu", toleration["key"]!.GetValue<string>());
        Assert.Equal("Exists", toleration["operator"]!.GetValue<string>());
        Assert.Equal("NoSchedule", toleration["effect"]!.GetValue<string>());
    }

    [Fact]
    public async Task Registers_the_pinned_chart()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new GpuOperator("gpu-operator", new GpuOperatorArgs { Namespace = "gpu-operator" }));

        var inputs = Json.Of(Assert.Single(mocks.OfType("kubernetes:helm.sh/v3:Release")).Inputs);
        Assert.Equal("gpu-operator", inputs["chart"]!.GetValue<string>());
        Assert.Equal("v26.7.0", inputs["version"]!.GetValue<string>());
        Assert.Equal("https://helm.ngc.nvidia.com/nvidia", inputs["repositoryOpts"]!["repo"]!.GetValue<string>());
        Assert.Equal("gpu-operator", inputs["namespace"]!.GetValue<string>());
    }
}
