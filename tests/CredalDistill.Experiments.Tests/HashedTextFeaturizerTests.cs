using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CredalDistill.Experiments.Data;

namespace CredalDistill.Experiments.Tests;

/// <summary>
/// Issue 24: the C# featuriser reproduces the training featuriser (<c>models/train.py</c>) bit for bit on the whole
/// bundled test split, checked against the per-row digests that <c>train.py --only fortunes-data</c> wrote into
/// <c>data/fortunes-topics/test-features.tsv</c>.
/// </summary>
public sealed class HashedTextFeaturizerTests
{
    /// <summary>Hex digits of SHA-256 kept per row in the reference (train.py: TEXT_DIGEST_HEX).</summary>
    private const int DigestHex = 16;

    [Fact]
    public void Featurizer_reproduces_the_training_features_on_the_whole_test_split()
    {
        FortunesTopicsDataset data = FortunesTopics.LoadTest();
        Reference[] reference = ReadReference();
        Assert.Equal(data.Count, reference.Length);
        Assert.True(data.Count >= 3500, $"{data.Count} test texts");

        Assert.Null(FirstDifference(data, reference, HashedTextFeaturizer.Edge, r => r.Edge));
        Assert.Null(FirstDifference(data, reference, HashedTextFeaturizer.Cloud, r => r.Cloud));
    }

    /// <summary>The comparison can fail: another feature set differs from the reference and is reported by row.</summary>
    [Fact]
    public void A_different_featurizer_is_reported_with_its_first_differing_row()
    {
        FortunesTopicsDataset data = FortunesTopics.LoadTest();
        Reference[] reference = ReadReference();
        string? withBigrams = FirstDifference(data, reference, new HashedTextFeaturizer(4096, TextFeatureKinds.Words | TextFeatureKinds.Bigrams), r => r.Edge);
        Assert.NotNull(withBigrams);
        Assert.StartsWith("row 0 ", withBigrams, StringComparison.Ordinal);
        string? otherWidth = FirstDifference(data, reference, new HashedTextFeaturizer(32767, HashedTextFeaturizer.Cloud.Kinds), r => r.Cloud);
        Assert.NotNull(otherWidth);
        Assert.Contains("digest", otherWidth, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Fnv1a_matches_the_published_test_vectors(string input, uint expected) =>
        Assert.Equal(expected, HashedTextFeaturizer.Fnv1a(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [InlineData("Don't panic -- it's only 42 rock'n'roll!", "don't|panic|it's|only|42|rock'n'roll")]
    [InlineData("'Quoted' O'BRIEN said ''", "quoted|o'brien|said")]
    [InlineData("\u00dcn\u00efcode caf\u00e9 na\u00efve", "n|code|caf|na|ve")]
    [InlineData("x_1 \ud83d\ude00y", "x|1|y")]
    [InlineData("   ", "")]
    public void Tokens_are_lowercased_runs_of_ascii_letters_digits_and_inner_apostrophes(string text, string expected) =>
        Assert.Equal(expected, string.Join('|', HashedTextFeaturizer.Tokenize(text)));

    /// <summary>The worked example of the data card (written by train.py), as a cross-runtime test vector.</summary>
    [Fact]
    public void Data_card_example_is_reproduced()
    {
        const string text = "Don't panic -- it's only 42 rock'n'roll!";
        Assert.Equal(19033306u, HashedTextFeaturizer.Fnv1a(Encoding.UTF8.GetBytes("w:don't")));
        Assert.Equal((6, 6L, "8a5b9deab71d19ab"), Digest(HashedTextFeaturizer.Edge, text));
        Assert.Equal((42, 42L, "10c95d9c716bedd5"), Digest(HashedTextFeaturizer.Cloud, text));
    }

    [Fact]
    public void Features_are_counts_of_the_hashed_keys()
    {
        var f = new HashedTextFeaturizer(1 << 20, TextFeatureKinds.Words | TextFeatureKinds.Bigrams | TextFeatureKinds.CharacterTrigrams);
        var x = new float[f.Dimension];
        f.Featurize("Go go GO", x);
        uint Bucket(string key) => HashedTextFeaturizer.Fnv1a(Encoding.UTF8.GetBytes(key)) % (uint)f.Dimension;
        // 3 words "w:go", 2 bigrams "b:go go", trigrams "c:<go" and "c:go>" three times each.
        Assert.Equal(3f, x[Bucket("w:go")]);
        Assert.Equal(2f, x[Bucket("b:go go")]);
        Assert.Equal(3f, x[Bucket("c:<go")]);
        Assert.Equal(3f, x[Bucket("c:go>")]);
        Assert.Equal(11f, x.Sum());

        // The destination is cleared first; a text longer than the stack buffer takes the pooled path.
        string longText = string.Join(' ', Enumerable.Repeat("alpha beta", 400));
        f.Featurize(longText, x);
        Assert.Equal(800f, x[Bucket("w:alpha")] + x[Bucket("w:beta")]);
        Assert.Equal(0f, x[Bucket("w:go")]);
    }

    [Fact]
    public void Destination_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => HashedTextFeaturizer.Edge.Featurize("x", new float[10]));
        Assert.Throws<ArgumentException>(() => HashedTextFeaturizer.Edge.Featurize(["a", "b"], 0, 2, new float[4096]));
        Assert.Throws<ArgumentException>(() => HashedTextFeaturizer.ForInputWidth(784));
        Assert.Same(HashedTextFeaturizer.Cloud, HashedTextFeaturizer.ForInputWidth(32768));
    }

    [Fact]
    public void Bundled_split_has_every_topic()
    {
        FortunesTopicsDataset data = FortunesTopics.LoadTest();
        Assert.Equal(12, data.Classes);
        Assert.All(data.ClassCounts(), c => Assert.True(c >= 50, $"{c} texts"));
        Assert.All(data.Texts, t => Assert.Equal(t.Trim(), t));
    }

    /// <summary>
    /// The first row whose features differ from the reference (count of nonzero buckets, total count, digest), or null.
    /// Digest: SHA-256 over the nonzero buckets in increasing order, each as uint32 LE bucket then float32 LE count.
    /// </summary>
    private static string? FirstDifference(FortunesTopicsDataset data, Reference[] reference, HashedTextFeaturizer featurizer, Func<Reference, RowDigest> pick)
    {
        for (int i = 0; i < data.Count; i++)
        {
            var (nonzero, total, digest) = Digest(featurizer, data.Texts[i]);
            RowDigest expected = pick(reference[i]);
            if (nonzero != expected.Nonzero || total != expected.Total || digest != expected.Digest)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"row {i} (line {i + 2} of {FortunesTopics.TestFile}): C# {nonzero} nonzero buckets, total {total}, digest {digest}; train.py {expected.Nonzero}, {expected.Total}, {expected.Digest}; text: {data.Texts[i]}");
            }
        }

        return null;
    }

    /// <summary>Nonzero buckets, total count and the reference digest of one text's features.</summary>
    private static (int Nonzero, long Total, string Digest) Digest(HashedTextFeaturizer featurizer, string text)
    {
        var x = new float[featurizer.Dimension];
        featurizer.Featurize(text, x);
        var bytes = new List<byte>();
        var entry = new byte[8];
        int nonzero = 0;
        long total = 0;
        for (int b = 0; b < x.Length; b++)
        {
            if (x[b] != 0f)
            {
                nonzero++;
                total += (long)x[b];
                BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)b);
                BinaryPrimitives.WriteSingleLittleEndian(entry.AsSpan(4), x[b]);
                bytes.AddRange(entry);
            }
        }

        return (nonzero, total, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()))[..DigestHex]);
    }

    private static Reference[] ReadReference()
    {
        string path = Path.Combine(FortunesTopics.FindDataDirectory(), FortunesTopics.SubDirectory, FortunesTopics.FeatureReferenceFile);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("row\tedge_nonzero\tedge_total\tedge_digest\tcloud_nonzero\tcloud_total\tcloud_digest", lines[0]);
        return [.. lines.Skip(1).Select((line, i) =>
        {
            string[] c = line.Split('\t');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), c[0]);
            return new Reference(
                new RowDigest(int.Parse(c[1], CultureInfo.InvariantCulture), long.Parse(c[2], CultureInfo.InvariantCulture), c[3]),
                new RowDigest(int.Parse(c[4], CultureInfo.InvariantCulture), long.Parse(c[5], CultureInfo.InvariantCulture), c[6]));
        })];
    }

    private sealed record RowDigest(int Nonzero, long Total, string Digest);

    private sealed record Reference(RowDigest Edge, RowDigest Cloud);
}
