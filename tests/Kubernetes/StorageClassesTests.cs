using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Tests.Support;
using Pulumi;
using Xunit;
using static MlPlatform.Tests.Kubernetes.PlatformNamespaceTests;

namespace MlPlatform.Tests.Kubernetes;

public class StorageClassesTests
{
    private static StorageClassSpec Spec(string provisioner = "ebs.csi.aws.com") => new()
    {
        Provisioner = provisioner,
        Parameters = ImmutableDictionary<string, Input<string>>.Empty.Add("type", "gp3"),
    };

    [Fact]
    public async Task Classes_carry_their_spec_and_only_the_default_is_annotated()
    {
        var mocks = await ComponentTest.RunAsync(() => _ = new StorageClasses("storage", new StorageClassesArgs
        {
            Classes = [new("platform-ssd", true, Spec()), new("platform-shared", false, Spec("efs.csi.aws.com") with
            {
                AccessMode = "ReadWriteMany",
                VolumeBindingMode = "Immediate",
                MountOptions = ["tls"],
            })],
        }));

        var classes = mocks.OfType("kubernetes:storage.k8s.io/v1:StorageClass")
            .ToDictionary(c => (string)Map(c.Inputs["metadata"])["name"], c => c.Inputs);
        Assert.Equal(["platform-shared", "platform-ssd"], classes.Keys.Order().ToArray());
        var ssd = classes["platform-ssd"];
        Assert.Equal("ebs.csi.aws.com", ssd["provisioner"]);
        Assert.Equal("WaitForFirstConsumer", ssd["volumeBindingMode"]);
        Assert.Equal("Delete", ssd["reclaimPolicy"]);
        Assert.True((bool)ssd["allowVolumeExpansion"]);
        Assert.Equal("gp3", Map(ssd["parameters"])["type"]);
        Assert.Equal("true", Map(Map(ssd["metadata"])["annotations"])[StorageClasses.DefaultClassAnnotation]);
        Assert.False(Map(classes["platform-shared"]["metadata"]).ContainsKey("annotations"));
        Assert.Equal("Immediate", classes["platform-shared"]["volumeBindingMode"]);
        Assert.False(ssd.ContainsKey("mountOptions"));
    }

    [Fact]
    public async Task Two_defaults_are_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentTest.RunAsync(() => _ = new StorageClasses("storage", new StorageClassesArgs
        {
            Classes = [new("a", true, Spec()), new("b", true, Spec())],
        })));
        Assert.Contains("At most one StorageClass may be the default", error.ToString(), StringComparison.Ordinal);
    }
}
