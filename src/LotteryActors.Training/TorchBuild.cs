using System.Reflection;

namespace LotteryActors.Training;

/// <summary>Which TorchSharp native package this build carries (<c>-p:TorchDevicePackage=cpu|cuda</c>).</summary>
public static class TorchBuild
{
    public static string DevicePackage { get; } = typeof(TorchBuild).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "TorchDevicePackage")?.Value ?? "cpu";

    public static bool HasCuda => DevicePackage == "cuda";
}
