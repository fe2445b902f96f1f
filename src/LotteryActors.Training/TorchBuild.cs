using System.Reflection;
using static TorchSharp.torch;

namespace LotteryActors.Training;

/// <summary>Which TorchSharp native package this build carries (<c>-p:TorchDevicePackage=cpu|cuda</c>), and what the
/// libtorch this process loaded can do.</summary>
public static class TorchBuild
{
    public static string DevicePackage { get; } = typeof(TorchBuild).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "TorchDevicePackage")?.Value ?? "cpu";

    private static readonly Lazy<bool> CudaProbe = new(cuda.is_available);

    /// <summary>
    /// Whether this process's libtorch can run on a CUDA device. Asked of the loaded libtorch, not of the build flag:
    /// a cpu build also gets CUDA where a CUDA libtorch of TorchSharp's libtorch version, with a TorchSharp native
    /// layer built against it, comes first on the library path (deploy/cuda/README.md), and a cuda build on a
    /// machine without a GPU does not. Asking loads libtorch once.
    /// </summary>
    public static bool CudaAvailable => CudaProbe.Value;
}
