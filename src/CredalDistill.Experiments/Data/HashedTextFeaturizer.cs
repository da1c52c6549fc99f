using System.Buffers;

namespace CredalDistill.Experiments.Data;

/// <summary>
/// The hashed bag of words of the text models (<c>models/train.py</c>: <c>featurize</c>), reproduced bit for bit:
/// <list type="number">
/// <item><description>Tokens: ASCII letters <c>A-Z</c> are lowercased; tokens are the maximal runs of <c>[a-z0-9']</c>
/// (every other character, non-ASCII included, separates tokens), with leading and trailing apostrophes removed; empty
/// tokens are dropped.</description></item>
/// <item><description>Keys (<see cref="TextFeatureKinds"/>): <c>"w:" + token</c>; <c>"b:" + token + " " + next token</c>;
/// <c>"c:" + trigram</c> for each character trigram of <c>"&lt;" + token + "&gt;"</c>.</description></item>
/// <item><description>Bucket: the 32-bit FNV-1a hash of the key's UTF-8 bytes (all ASCII) modulo <see cref="Dimension"/>;
/// feature value: the number of keys in the bucket, a float32 integer (exact).</description></item>
/// </list>
/// No scaling happens here: the models take these counts as their input <c>input</c> (float32 <c>[N, D]</c>) and apply
/// <c>log(1 + x)</c> (and, for the cloud, L2 normalisation) inside the ONNX graph. Thread-safe; no allocation per text
/// beyond two pooled buffers for texts longer than 512 characters.
/// </summary>
public sealed class HashedTextFeaturizer
{
    /// <summary>FNV-1a 32-bit offset basis.</summary>
    public const uint FnvOffsetBasis = 2166136261;

    /// <summary>FNV-1a 32-bit prime.</summary>
    public const uint FnvPrime = 16777619;

    private const int StackChars = 512;
    private static readonly uint WordPrefix = Fnv1a("w:"u8);
    private static readonly uint BigramPrefix = Fnv1a("b:"u8);
    private static readonly uint TrigramPrefix = Fnv1a("c:"u8);

    /// <summary>Creates a featuriser.</summary>
    /// <param name="dimension">Number of buckets D (the model's input width).</param>
    /// <param name="kinds">The keys to hash.</param>
    public HashedTextFeaturizer(int dimension, TextFeatureKinds kinds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if ((kinds & ~(TextFeatureKinds.Words | TextFeatureKinds.Bigrams | TextFeatureKinds.CharacterTrigrams)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kinds), kinds, "unknown feature kind");
        }

        Dimension = dimension;
        Kinds = kinds;
    }

    /// <summary>The edge models' features: words into 4,096 buckets.</summary>
    public static HashedTextFeaturizer Edge { get; } = new(4096, TextFeatureKinds.Words);

    /// <summary>The cloud model's features: words, bigrams and character trigrams into 32,768 buckets.</summary>
    public static HashedTextFeaturizer Cloud { get; } = new(32768, TextFeatureKinds.Words | TextFeatureKinds.Bigrams | TextFeatureKinds.CharacterTrigrams);

    /// <summary>Number of buckets D.</summary>
    public int Dimension { get; }

    /// <summary>The hashed keys.</summary>
    public TextFeatureKinds Kinds { get; }

    /// <summary>The preset (<see cref="Edge"/> or <see cref="Cloud"/>) whose <see cref="Dimension"/> is a model's input width.</summary>
    /// <param name="inputWidth">The model's input width (<c>OnnxClassifier.ValuesPerImage</c>).</param>
    /// <returns>The featuriser.</returns>
    /// <exception cref="ArgumentException">No preset has that width.</exception>
    public static HashedTextFeaturizer ForInputWidth(int inputWidth) => inputWidth switch
    {
        4096 => Edge,
        32768 => Cloud,
        _ => throw new ArgumentException($"No bundled text featuriser has {inputWidth} features (edge: {Edge.Dimension}, cloud: {Cloud.Dimension}).", nameof(inputWidth)),
    };

    /// <summary>32-bit FNV-1a of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The hash.</returns>
    public static uint Fnv1a(ReadOnlySpan<byte> data) => Continue(FnvOffsetBasis, data);

    /// <summary>The tokens of <paramref name="text"/> (see the class remarks), for documentation and tests.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The tokens, in order.</returns>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] lower = new char[text.Length];
        int[] bounds = new int[text.Length + 2];
        int tokens = Scan(text, lower, bounds);
        var result = new string[tokens];
        for (int t = 0; t < tokens; t++)
        {
            result[t] = new string(lower, bounds[2 * t], bounds[(2 * t) + 1]);
        }

        return result;
    }

    /// <summary>Writes the features of <paramref name="text"/> into <paramref name="destination"/> (cleared first).</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Exactly <see cref="Dimension"/> floats.</param>
    public void Featurize(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"destination has {destination.Length} floats; this featuriser writes {Dimension}.", nameof(destination));
        }

        destination.Clear();
        char[]? rentedChars = null;
        int[]? rentedBounds = null;
        Span<char> lower = text.Length <= StackChars ? stackalloc char[StackChars] : (rentedChars = ArrayPool<char>.Shared.Rent(text.Length));
        Span<int> bounds = text.Length <= StackChars ? stackalloc int[StackChars + 2] : (rentedBounds = ArrayPool<int>.Shared.Rent(text.Length + 2));
        try
        {
            int tokens = Scan(text, lower, bounds);
            AddCounts(lower, bounds[..(2 * tokens)], destination);
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
                ArrayPool<int>.Shared.Return(rentedBounds!);
            }
        }
    }

    /// <summary>Writes the features of <paramref name="count"/> texts, row after row (row-major <c>count x D</c>).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="start">Index of the first text.</param>
    /// <param name="count">Number of texts.</param>
    /// <param name="destination">Exactly <c>count * Dimension</c> floats.</param>
    public void Featurize(IReadOnlyList<string> texts, int start, int count, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, texts.Count - count);
        if (destination.Length != (long)count * Dimension)
        {
            throw new ArgumentException($"destination has {destination.Length} floats; {count} texts x {Dimension} features need {(long)count * Dimension}.", nameof(destination));
        }

        for (int r = 0; r < count; r++)
        {
            Featurize(texts[start + r], destination.Slice(r * Dimension, Dimension));
        }
    }

    /// <summary>Lowercases into <paramref name="lower"/> and writes (start, length) of each token into <paramref name="bounds"/>.</summary>
    private static int Scan(ReadOnlySpan<char> text, Span<char> lower, Span<int> bounds)
    {
        int tokens = 0;
        int runStart = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            if (c is >= 'A' and <= 'Z')
            {
                c = (char)(c + 32);
            }

            bool inToken = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '\'';
            if (inToken)
            {
                lower[i] = c;
                if (runStart < 0)
                {
                    runStart = i;
                }

                continue;
            }

            if (runStart >= 0)
            {
                int s = runStart, e = i;
                while (s < e && lower[s] == '\'')
                {
                    s++;
                }

                while (e > s && lower[e - 1] == '\'')
                {
                    e--;
                }

                if (e > s)
                {
                    bounds[2 * tokens] = s;
                    bounds[(2 * tokens) + 1] = e - s;
                    tokens++;
                }

                runStart = -1;
            }
        }

        return tokens;
    }

    private void AddCounts(ReadOnlySpan<char> lower, ReadOnlySpan<int> bounds, Span<float> destination)
    {
        uint d = (uint)Dimension;
        int tokens = bounds.Length / 2;
        for (int t = 0; t < tokens; t++)
        {
            ReadOnlySpan<char> token = lower.Slice(bounds[2 * t], bounds[(2 * t) + 1]);
            if ((Kinds & TextFeatureKinds.Words) != 0)
            {
                destination[(int)(Continue(WordPrefix, token) % d)] += 1f;
            }

            if ((Kinds & TextFeatureKinds.Bigrams) != 0 && t + 1 < tokens)
            {
                uint h = Continue(Continue(BigramPrefix, token), (byte)' ');
                h = Continue(h, lower.Slice(bounds[2 * (t + 1)], bounds[(2 * (t + 1)) + 1]));
                destination[(int)(h % d)] += 1f;
            }

            if ((Kinds & TextFeatureKinds.CharacterTrigrams) != 0)
            {
                // The trigrams of "<" + token + ">": positions j = 0 .. L + 1 of the padded token.
                int length = token.Length;
                for (int i = 0; i < length; i++)
                {
                    uint h = TrigramPrefix;
                    for (int j = i; j < i + 3; j++)
                    {
                        h = Continue(h, j == 0 ? (byte)'<' : j == length + 1 ? (byte)'>' : (byte)token[j - 1]);
                    }

                    destination[(int)(h % d)] += 1f;
                }
            }
        }
    }

    private static uint Continue(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            hash = Continue(hash, b);
        }

        return hash;
    }

    /// <summary>Continues the hash over ASCII characters (one byte each; tokens are ASCII by construction).</summary>
    private static uint Continue(uint hash, ReadOnlySpan<char> ascii)
    {
        foreach (char c in ascii)
        {
            hash = Continue(hash, (byte)c);
        }

        return hash;
    }

    private static uint Continue(uint hash, byte b) => (hash ^ b) * FnvPrime;
}
