using System.Text.Json;
using LotteryActors.Actors.Protocol;
using LotteryActors.Cluster.Protocol;
using LotteryActors.Cluster.Work;
using LotteryActors.Training.Spec;

namespace LotteryActors.Cluster.Tests.Support;

/// <summary>Whether two coordinator states are the same, and a state's snapshot as the journal keeps it.</summary>
public static class SameState
{
    /// <summary>
    /// Field by field: the queue's collections by content and order, the trainers, each search by its snapshot form (the one
    /// the single-node search journals), and the progress that clients see.
    /// </summary>
    public static void Equal(CoordinatorState expected, CoordinatorState actual, string where)
    {
        var (e, a) = (expected.Queue, actual.Queue);
        // As JSON: an ensemble unit's plan holds lists, which records compare by reference.
        Assert.True(Json(e.Open.OrderBy(p => p.Key).ToList()) == Json(a.Open.OrderBy(p => p.Key).ToList()),
            $"{where}: open units");
        Assert.True(e.Pending.SequenceEqual(a.Pending), $"{where}: waiting order");
        Assert.True(e.Leases.OrderBy(p => p.Key).SequenceEqual(a.Leases.OrderBy(p => p.Key)), $"{where}: leases");
        Assert.True(e.Done.SetEquals(a.Done), $"{where}: done");
        Assert.Equal(e.NextOrder, a.NextOrder);
        Assert.True(e.GiveBacks.OrderBy(p => p.Key).SequenceEqual(a.GiveBacks.OrderBy(p => p.Key)),
            $"{where}: give-backs");
        var (es, @as) = (CoordinatorSnapshot.From(expected), CoordinatorSnapshot.From(actual));
        Assert.True(Json(es.GivenBackBy!) == Json(@as.GivenBackBy!), $"{where}: give-backs by node");
        Assert.True(Json(es.Cordoned!) == Json(@as.Cordoned!), $"{where}: cordoned nodes");
        Assert.True(Json(es.RecentGiveBacks!) == Json(@as.RecentGiveBacks!), $"{where}: each node's give-backs");
        Assert.True(e.WrongData.SetEquals(a.WrongData), $"{where}: nodes with another dataset");
        Assert.True(expected.Draining.SequenceEqual(actual.Draining), $"{where}: draining nodes");
        Assert.True(expected.CancelledSearches().SetEquals(actual.CancelledSearches()), $"{where}: cancelled searches");
        Assert.True(expected.Trainers.SequenceEqual(actual.Trainers), $"{where}: trainers");
        Assert.True(expected.Finished.SequenceEqual(actual.Finished), $"{where}: finished searches");
        Assert.Equal(expected.Searches.Keys, actual.Searches.Keys);
        foreach (var (id, search) in expected.Searches)
        {
            Assert.Equal(Json(SearchSnapshot.From(search)), Json(SearchSnapshot.From(actual.Searches[id])));
            Assert.Equal(expected.Progress(id), actual.Progress(id));
            Assert.True(search.Priority == actual.Searches[id].Priority, $"{where}: priority of {id}");
        }
    }

    /// <summary>The state's snapshot as the journal stores it and reads it back (the serializer's JSON).</summary>
    public static CoordinatorSnapshot ToJournaledSnapshot(this CoordinatorState state) =>
        JsonSerializer.Deserialize<CoordinatorSnapshot>(
            JsonSerializer.SerializeToUtf8Bytes(CoordinatorSnapshot.From(state), SpecNames.Json), SpecNames.Json)!;

    /// <summary>Each event as the journal would write it (by its own type, not the interface's): decisions compared
    /// by what they would journal.</summary>
    public static List<string> Written(IEnumerable<IClusterEvent> events) => events.Select(Json).ToList();

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), SpecNames.Json);
}
