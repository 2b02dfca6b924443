namespace MlPlatform.Components.Aws;

/// <summary>The EKS-optimised node operating system (both ship the NVIDIA driver in their accelerated variants).</summary>
public enum NodeImageFamily
{
    /// <summary>Amazon Linux 2023.</summary>
    Al2023,

    /// <summary>Bottlerocket.</summary>
    Bottlerocket,
}

/// <summary>What each image family means for EKS and Karpenter.</summary>
public static class NodeImageFamilies
{
    /// <summary>The family name in a Karpenter AMI alias (<c>al2023@latest</c>).</summary>
    public static string AliasFamily(this NodeImageFamily family) => family switch
    {
        NodeImageFamily.Bottlerocket => "bottlerocket",
        _ => "al2023",
    };

    /// <summary>The managed node group AMI type of the x86-64 standard variant.</summary>
    public static string ManagedNodeGroupAmiType(this NodeImageFamily family) => family switch
    {
        NodeImageFamily.Bottlerocket => "BOTTLEROCKET_x86_64",
        _ => "AL2023_x86_64_STANDARD",
    };

    /// <summary>
    /// The block devices of a node: AL2023 has one root volume; Bottlerocket a small OS volume and a data volume
    /// (images and pod storage). Sizes in GiB; every volume is gp3 and encrypted.
    /// </summary>
    public static IReadOnlyList<(string Device, int SizeGiB)> Volumes(this NodeImageFamily family, int dataSizeGiB) => family switch
    {
        NodeImageFamily.Bottlerocket => [("/dev/xvda", 4), ("/dev/xvdb", dataSizeGiB)],
        _ => [("/dev/xvda", dataSizeGiB)],
    };

    /// <summary>True when the accelerated variant of the image ships the NVIDIA driver and container toolkit.</summary>
    public static bool ShipsGpuDriver(this NodeImageFamily family) => family is NodeImageFamily.Al2023 or NodeImageFamily.Bottlerocket;
}
