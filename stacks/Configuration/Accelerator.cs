namespace MlPlatform.Stacks.Configuration;

/// <summary>The NVIDIA GPU models a node pool can ask for.</summary>
public enum Accelerator
{
    /// <summary>NVIDIA T4 (16 GB): small inference.</summary>
    T4,

    /// <summary>NVIDIA L4 (24 GB): inference.</summary>
    L4,

    /// <summary>NVIDIA A10G (24 GB): inference and fine-tuning (AWS g5).</summary>
    A10G,

    /// <summary>NVIDIA A10 (24 GB): inference and fine-tuning (Azure NVads A10 v5).</summary>
    A10,

    /// <summary>NVIDIA A100 (40/80 GB): training.</summary>
    A100,

    /// <summary>NVIDIA H100 (80 GB): large-scale training.</summary>
    H100,
}
