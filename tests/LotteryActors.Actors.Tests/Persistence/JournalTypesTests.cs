using LotteryActors.Actors.Persistence;
using LotteryActors.TestSupport;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The single-node journal is made of its own records: no type reachable from one of its manifests, current or
/// older, comes from the Training assembly, where renaming a property would silently change a journal format.
/// </summary>
public sealed class JournalTypesTests
{
    [Fact]
    public void No_journaled_search_type_reaches_a_training_type() =>
        JournalTypes.AssertNoneReachTraining(
            SearchJournalSerializer.Current.Concat(SearchJournalSerializer.Older).ToDictionary());
}
