using Akka.Actor;
using LotteryActors.Actors.Protocol;

namespace LotteryActors.Benchmarks.Actors;

/// <summary>Hands every trainer's progress event to a callback, on a watcher actor's own thread.</summary>
internal static class ProgressEvents
{
    public static void Watch(ActorSystem system, Action<ProgressMessages.RunProgressed> onProgress) =>
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Watcher(onProgress))),
            typeof(ProgressMessages.RunProgressed));

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(Action<ProgressMessages.RunProgressed> onProgress) =>
            Receive<ProgressMessages.RunProgressed>(onProgress);
    }
}
