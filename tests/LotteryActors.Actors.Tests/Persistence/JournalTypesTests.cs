using LotteryActors.Actors.Persistence;
using LotteryActors.TestSupport;

namespace LotteryActors.Actors.Tests.Persistence;

/// <summary>
/// The single-node journal is made of protocol records: no type reachable from one of its manifests, current or
/// older, comes from the Training assembly (where renaming a property would silently change a journal format) or
/// from outside a Protocol folder.
/// </summary>
public sealed class JournalTypesTests
{
    [Fact]
    public void Every_type_a_search_journal_manifest_reaches_is_a_protocol_record() =>
        JournalTypes.AssertOnlyProtocolRecords(
            SearchJournalSerializer.Current.Concat(SearchJournalSerializer.Older).ToDictionary());
}
