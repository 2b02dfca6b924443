namespace MlPlatform.Stacks.Configuration;

/// <summary>What a node pool is for: the shape of its machines.</summary>
public enum NodeRole
{
    /// <summary>General purpose compute.</summary>
    Cpu,

    /// <summary>Memory optimised machines.</summary>
    Memory,

    /// <summary>Machines with NVIDIA GPUs; always tainted <c>nvidia.com/gpu:NoSchedule</c>.</summary>
    Gpu,
}
