using MlPlatform.Components.Kubernetes;
using MlPlatform.Stacks.Configuration;
using MlPlatform.Stacks.Shared;
using Xunit;

namespace MlPlatform.Tests.Configuration;

public class StorageConfigTests
{
    private static readonly CloudIntegration AllClasses = new()
    {
        StorageClasses = new CloudStorageClasses
        {
            Default = new StorageClassSpec { Provisioner = "ebs.csi.aws.com" },
            Fast = new StorageClassSpec { Provisioner = "ebs.csi.aws.com" },
            Shared = new StorageClassSpec { Provisioner = "efs.csi.aws.com", AccessMode = "ReadWriteMany" },
        },
    };

    [Fact]
    public void Existing_clusters_create_no_class_and_name_none_by_default()
    {
        var config = ConfigFixture.Valid().Read();

        Assert.Equal(new StorageClassChoice(false, null), config.Storage.Default);
        Assert.Empty(StoragePlan.Classes(config, CloudIntegration.None));
        Assert.Null(StoragePlan.ClassFor(config, CloudIntegration.None, StorageTier.Default));
    }

    [Fact]
    public void An_existing_cluster_names_its_own_class_and_the_other_tiers_fall_back_to_it()
    {
        var config = ConfigFixture.Valid().Set("storage", new { @default = new { enabled = false, name = "standard" } }).Read();

        Assert.Equal("standard", StoragePlan.ClassFor(config, CloudIntegration.None, StorageTier.Default));
        Assert.Equal("standard", StoragePlan.ClassFor(config, CloudIntegration.None, StorageTier.Fast));
        Assert.Null(StoragePlan.ClassFor(config, CloudIntegration.None, StorageTier.Shared));
        Assert.False(StoragePlan.SharedIsReadWriteMany(config, CloudIntegration.None));
    }

    [Fact]
    public void Creating_a_class_on_an_existing_cluster_is_refused_with_its_key()
    {
        var problem = Assert.Single(ConfigFixture.Valid().Set("storage", new { fast = new { enabled = true } }).Problems());

        Assert.Equal("mlplatform:storage.fast.enabled", problem.Key);
    }

    [Fact]
    public void Unknown_keys_bad_names_and_clashing_names_are_reported_together()
    {
        var problems = ConfigFixture.Valid(cloud: "existing").Set("storage", new
        {
            @default = new { enabled = false, name = "Not_A_Name" },
            fast = new { enabled = false, nmae = "x" },
            archive = new { },
        }).Problems();

        Assert.Contains(problems, p => p.Key == "mlplatform:storage.default.name");
        Assert.Contains(problems, p => p.Key == "mlplatform:storage.fast.nmae" && p.Message.Contains("did you mean 'name'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "mlplatform:storage.archive");
    }

    [Fact]
    public void A_cloud_creates_every_class_it_offers_with_the_default_marked()
    {
        var config = ConfigFixture.Valid().Read() with { Storage = StorageConfig.For(CloudKind.Aws) };

        var classes = StoragePlan.Classes(config, AllClasses);
        Assert.Equal(["platform-ssd", "platform-fast", "platform-shared"], classes.Select(c => c.Name).ToArray());
        Assert.Equal("platform-ssd", Assert.Single(classes, c => c.IsDefault).Name);
        Assert.True(StoragePlan.SharedIsReadWriteMany(config, AllClasses));
    }

    [Fact]
    public void A_class_switched_off_on_a_cloud_is_not_created_and_its_volumes_take_the_named_or_default_class()
    {
        var aws = StorageConfig.For(CloudKind.Aws);
        var config = ConfigFixture.Valid().Read() with
        {
            Storage = aws with { Fast = new(false, null), Shared = new(false, "existing-efs") },
        };

        Assert.Equal(["platform-ssd"], StoragePlan.Classes(config, AllClasses).Select(c => c.Name).ToArray());
        Assert.Equal("platform-ssd", StoragePlan.ClassFor(config, AllClasses, StorageTier.Fast));
        Assert.Equal("existing-efs", StoragePlan.ClassFor(config, AllClasses, StorageTier.Shared));
    }

    [Fact]
    public void A_class_the_cloud_does_not_offer_is_not_created()
    {
        var config = ConfigFixture.Valid().Read() with { Storage = StorageConfig.For(CloudKind.Gcp) };
        var noShared = AllClasses with { StorageClasses = AllClasses.StorageClasses with { Shared = null } };

        Assert.DoesNotContain(StoragePlan.Classes(config, noShared), c => c.Name == StorageConfig.SharedClassName);
        Assert.Null(StoragePlan.ClassFor(config, noShared, StorageTier.Shared));
        Assert.False(StoragePlan.SharedIsReadWriteMany(config, noShared));
    }
}
