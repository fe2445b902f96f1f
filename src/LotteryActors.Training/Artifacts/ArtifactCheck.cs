namespace LotteryActors.Training.Artifacts;

/// <summary>How closely <see cref="ArtifactStore.Check"/> looks at a stored file.</summary>
public enum ArtifactCheck
{
    /// <summary>
    /// The file exists and its safetensors header accounts for every byte of it: a few hundred bytes read per file,
    /// cheap enough before every report. Finds missing, truncated, extended and header-damaged files.
    /// </summary>
    Layout,

    /// <summary>Every byte is hashed and compared with the name: finds any change at all.</summary>
    Content,
}

/// <summary>What a check found for one artifact.</summary>
public enum ArtifactCondition { Intact, Missing, Corrupt }
