namespace CredalDistill.Experiments.Data;

/// <summary>
/// The keys a <see cref="HashedTextFeaturizer"/> hashes for each text (data/fortunes-topics/README.md, "Features").
/// </summary>
[Flags]
public enum TextFeatureKinds
{
    /// <summary>No keys (every feature is zero).</summary>
    None = 0,

    /// <summary><c>"w:" + token</c> for every token.</summary>
    Words = 1,

    /// <summary><c>"b:" + token + " " + next token</c> for every pair of consecutive tokens.</summary>
    Bigrams = 2,

    /// <summary><c>"c:" + trigram</c> for every character trigram of <c>"&lt;" + token + "&gt;"</c>, for every token.</summary>
    CharacterTrigrams = 4,
}
