#!/usr/bin/env python3
"""Prints the manifest tables of docs/protocol.md from the code: run from the repository root and paste the output
over the tables. Reads the manifest dictionaries of both serializers, the cluster golden files, the single-node golden
constants in the Actors tests, and the cluster tests' "refused by name" list."""
import pathlib, re

ROOT = pathlib.Path(__file__).resolve().parent.parent
MANIFEST = re.compile(r'\["([A-Za-z]+\.v[0-9]+)"\]\s*=\s*typeof\(([A-Za-z]+)\)')


def dictionary(path, name):
    """The manifests of one dictionary initialiser, in source order."""
    text = (ROOT / path).read_text()
    body = text[text.index(name):]
    body = body[:body.index('};')]
    return MANIFEST.findall(body)


def marker(cluster_type):
    """Whether a cluster type is journaled (IClusterJournalEntry/IClusterEvent) or remote (IClusterMessage)."""
    for path in (ROOT / 'src/LotteryActors.Cluster/Protocol').glob('*.cs'):
        m = re.search(r'record ' + cluster_type + r'\b[^;{]*?:\s*(IClusterEvent|IClusterJournalEntry|IClusterMessage)',
                      path.read_text(), re.S)
        if m:
            return 'remote' if m.group(1) == 'IClusterMessage' else 'journaled'
    return '?'


def single_node_goldens():
    """Manifest -> test file, where a test method compares written bytes to a Golden constant under it, reads a
    Golden constant under it, or calls JournalGolden.AssertPinned with it."""
    found = {}
    pinned = re.compile(r'AssertPinned\(|Assert\.Equal\(Golden[A-Za-z0-9]*,|GetBytes\(Golden[A-Za-z0-9]*\)')
    for path in sorted((ROOT / 'tests/LotteryActors.Actors.Tests/Persistence').glob('*.cs')):
        for method in re.split(r'\[(?:Fact|Theory)\]', path.read_text())[1:]:
            if pinned.search(method):
                for manifest in re.findall(r'"([A-Za-z]+\.v[0-9]+)"', method):
                    found.setdefault(manifest, path.name)
    return found


def single_node():
    path = 'src/LotteryActors.Actors/Persistence/SearchJournalSerializer.cs'
    goldens = single_node_goldens()
    print('| manifest | kind | type | golden JSON (a constant in tests/LotteryActors.Actors.Tests/Persistence/) |')
    print('| --- | --- | --- | --- |')
    for which, name in (('current', 'Current ='), ('older', 'Older =')):
        for manifest, type_ in dictionary(path, name):
            golden = f'`{goldens[manifest]}`' if manifest in goldens else '**no golden**'
            print(f'| `{manifest}` | {which} | `{type_}` | {golden} |')


def cluster():
    path = 'src/LotteryActors.Cluster/Protocol/ClusterSerializer.cs'
    tests = (ROOT / 'tests/LotteryActors.Cluster.Tests/Protocol/ClusterSerializerTests.cs').read_text()
    refused = re.findall(r'\[InlineData\("([A-Za-z]+\.v[0-9]+)"\)\]', tests)
    golden_dir = ROOT / 'tests/LotteryActors.Cluster.Tests/Protocol/Golden'
    print('| manifest | kind | current or older | golden file | refused by name in the tests |')
    print('| --- | --- | --- | --- | --- |')
    for which, name in (('current', 'TypesByManifest ='), ('older', 'OlderJournalManifests =')):
        for manifest, type_ in dictionary(path, name):
            golden = f'`{manifest}.json`' if (golden_dir / f'{manifest}.json').exists() else '**no golden file**'
            base = manifest.split('.')[0] + '.'
            refusals = ', '.join(f'`{r}`' for r in refused if r.startswith(base))
            print(f'| `{manifest}` | {marker(type_)} | {which} | {golden} | {refusals} |')
    known = dict(dictionary(path, 'TypesByManifest =') + dictionary(path, 'OlderJournalManifests ='))
    strays = sorted(p.stem for p in golden_dir.glob('*.json') if p.stem not in known)
    print(f'\nGolden files with no manifest: {", ".join(strays) or "none"}.')


if __name__ == '__main__':
    single_node()
    print()
    cluster()
