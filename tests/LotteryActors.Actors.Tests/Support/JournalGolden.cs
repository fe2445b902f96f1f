using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace LotteryActors.Actors.Tests.Support;

/// <summary>
/// The golden-file check of a journaled entry: stored under <c>manifest</c> as exactly the golden JSON, and that JSON
/// read back as an equal entry, because journals written today must be read by every later version.
/// </summary>
public static class JournalGolden
{
    /// <returns>The entry read back from the golden JSON, for checks of its own.</returns>
    public static object AssertPinned(ActorSystem system, object entry, string manifest, string golden)
    {
        var serializer = (SerializerWithStringManifest)system.Serialization.FindSerializerFor(entry);
        Assert.Equal(manifest, serializer.Manifest(entry));
        Assert.Equal(golden, Encoding.UTF8.GetString(serializer.ToBinary(entry)));
        var read = serializer.FromBinary(Encoding.UTF8.GetBytes(golden), manifest);
        Assert.Equal(entry, read);
        return read;
    }
}
